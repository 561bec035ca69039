// A connection test's result in words: the lens's one line, the details view (Markdown) and the CLI's text.
import { clip, terminalSafe, withoutBidi } from '../../util/text';
import type { ConnectionResult } from './run';

const MARKS = { connected: '✓', refused: '✗', untested: '?' } as const;

/** "✓ 12:03 — TLS 1.2, anchored by root-ca.pem": the time is the test's, in the machine's time zone. */
export function lensTitle(result: ConnectionResult): string {
  const at = new Date(result.at);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return withoutBidi(clip(`${MARKS[result.verdict.outcome]} ${time} — ${result.verdict.summary}`, 160));
}

export function connectionMarkdown(result: ConnectionResult): string {
  const { target, verdict } = result;
  const out: string[] = [
    `# Connection test: ${target.label}`,
    '',
    `**${MARKS[verdict.outcome]} ${verdict.outcome === 'connected' ? 'Connects' : verdict.outcome === 'refused' ? 'Would not connect' : 'Not tested'}** — ${verdict.summary}`,
    '',
    `${target.tls ? 'TLS' : 'Plain TCP'} to \`${target.host}:${target.port}\`${target.proxy ? ` through the proxy \`${target.proxy}\`` : ''}, as EMS ${result.release} would connect; tested ${result.at}.`,
  ];
  if (verdict.ems) out.push('', `The EMS would log: \`${verdict.ems}\``);
  if (verdict.wouldHaveFailed?.length) out.push('', '**With `certificates.validate` on, this would fail:**', '', ...verdict.wouldHaveFailed.map((line) => `- ${line}`));
  if (result.steps.length) {
    out.push('', '## Steps', '', '| step | result | time | detail |', '| --- | --- | --- | --- |');
    for (const step of result.steps) out.push(`| ${step.step} | ${step.outcome} | ${step.ms === undefined ? '' : `${step.ms} ms`} | ${cell(step.detail)} |`);
  }
  if (result.tls) out.push('', `**Protocol:** ${result.tls.protocol}, cipher ${result.tls.cipher} (${result.tls.note}).`);
  if (result.chain?.length) {
    out.push('', '## The server\'s chain', '', '| # | subject | issuer | valid | SHA-256 | from |', '| --- | --- | --- | --- | --- | --- |');
    result.chain.forEach((entry, i) => out.push(`| ${i} | ${cell(entry.subject)} | ${cell(entry.issuer)} | ${entry.notBefore.slice(0, 10)} – ${entry.notAfter.slice(0, 10)} | \`${entry.sha256}\` | ${entry.from === 'server' ? 'the server' : `\`${cell(entry.file ?? '')}\``} |`));
  }
  if (result.anchoredBy) out.push('', `**Anchored by** ${cell(result.anchoredBy.subject)} in \`${result.anchoredBy.file}\`.`);
  if (result.missing) out.push('', `**Not anchored:** ${result.missing}.`);
  if (result.host) out.push('', `**Host name:** ${result.host.note}.`);
  if (result.clientCertificate) out.push('', `**Client certificate:** ${result.clientCertificate.note}.`);
  if (result.status) out.push('', `**Answer:** \`${result.status}\``);
  if (result.saveRoot) out.push('', `The server sent the root ${cell(result.saveRoot.subject)} (SHA-256 \`${result.saveRoot.sha256}\`). If you trust it, it can be added to \`${result.saveRoot.file}\`.`);
  // Certificate names must not reorder what the editor shows.
  return withoutBidi(`${out.join('\n')}\n`);
}

export function connectionText(result: ConnectionResult, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const mark = { connected: paint('32', '✓ connected'), refused: paint('31', '✗ refused'), untested: paint('33', '? not tested') }[result.verdict.outcome];
  const lines = [`${result.target.label} ${result.target.tls ? 'TLS' : 'TCP'} ${result.target.host}:${result.target.port}${result.target.proxy ? ` via ${result.target.proxy}` : ''} (EMS ${result.release})`];
  for (const step of result.steps) lines.push(`  ${step.step.padEnd(8)} ${step.outcome.padEnd(7)} ${step.ms === undefined ? '      ' : `${String(step.ms).padStart(4)} ms`}  ${step.detail}`);
  for (const [i, entry] of (result.chain ?? []).entries()) lines.push(`  chain ${i}  ${entry.subject}  (issuer ${entry.issuer}; ${entry.notBefore.slice(0, 10)}..${entry.notAfter.slice(0, 10)}; SHA-256 ${entry.sha256}; ${entry.from === 'server' ? 'sent' : entry.file})`);
  if (result.host) lines.push(`  host     ${result.host.note}`);
  if (result.clientCertificate) lines.push(`  client   ${result.clientCertificate.note}`);
  for (const line of result.verdict.wouldHaveFailed ?? []) lines.push(`  would fail with validate on: ${line}`);
  // Names come from certificates and the config: no control character reaches the terminal.
  return `${[...lines, ''].map(terminalSafe).join('\n')}  ${mark}: ${terminalSafe(result.verdict.summary)}\n`;
}

/** Markdown table cells: no pipes or line breaks from certificate names. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}
