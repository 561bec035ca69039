// The certificate report: a read-only Markdown document of every file a config names, in document order and
// grouped by setting, with the facts the hovers show (describe.ts) and the findings on each file.
import { code, describeFile, escape, joinBlocks, nearestExpiry, settingNameOfPointer, validityVerdict } from './describe';
import type { FileReference } from '../checks/files';
import type { CheckResult } from '../target/result';
import { parsePointer } from '../document/model';
import { describeRole } from '../document/roles';
import { isoDate } from '../../util/text';
import type { Finding, Target } from '../types';

/** Findings listed per file; a bundle of expired CAs can carry one per certificate. */
const MAX_FINDINGS = 20;
/** Messages name paths, which can be long; a message is never a wall either. */
const MAX_MESSAGE = 600;

export function certificateReport(result: CheckResult, configLabel: string): string {
  const blocks: string[][] = [[`# Certificate report: ${escape(configLabel)}`], header(result, configLabel)];
  const groups = groupBySetting(result.files);
  if (!groups.length) blocks.push(['No setting in this config names a certificate, key or folder.']);
  for (const [setting, references] of groups) {
    blocks.push([`## ${code(settingNameOfPointer(setting))}`], [describeRole(references[0]!.role)]);
    for (const reference of references) {
      if (reference.pointer !== setting) blocks.push([`### ${code(settingNameOfPointer(reference.pointer))}`]);
      blocks.push(...describeFile(reference, result.files, result.now), findingLines(result.findings.filter((f) => f.pointer === reference.pointer)));
    }
  }
  return `${joinBlocks(blocks)}\n`;
}

function header(result: CheckResult, configLabel: string): string[] {
  const files = result.files.filter((f) => f.role !== 'directory');
  const folders = result.files.length - files.length;
  const read = files.filter((f) => f.status === 'ok').length;
  const nearest = nearestExpiry(result.files);
  return [
    `- **Config:** ${code(configLabel)}`,
    `- **EMS home:** ${result.home !== undefined ? code(result.home) : 'none (the document has no location, so relative paths were not resolved)'}`,
    `- **Target EMS release:** ${escape(result.target.release)} — ${targetOrigin(result.target)}`,
    `- **Judged at:** ${isoDate(result.now)}`,
    `- **Files checked:** ${read} of ${files.length} read${folders ? ` (and ${folders} folder${folders === 1 ? '' : 's'}, not read)` : ''}`,
    `- **Nearest expiry:** ${nearest
      ? `${isoDate(nearest.certificate.notAfter)} — ${validityVerdict(nearest.certificate, result.now)}: ${code(nearest.certificate.subjectCN ?? nearest.certificate.subject)} in ${code(settingNameOfPointer(nearest.reference.pointer))}`
      : 'no certificate was read'}`,
  ];
}

/** Where the release came from, and how to choose another. */
function targetOrigin(target: Target): string {
  switch (target.source) {
    case 'binary': return `read from ${code(target.binary ?? '')}${target.build ? ` (version ${escape(target.build)})` : ''}; the setting ${code('emsConfig.emsVersion')} chooses another`;
    case 'default': return `the default, the newest known release: no EMS binary (${code('wsems')}) in the EMS home says which; the setting ${code('emsConfig.emsVersion')} chooses one`;
    case 'flag': return `chosen with ${code('--ems-version')}`;
    case 'setting': return `chosen with the setting ${code('emsConfig.emsVersion')}`;
  }
}

/** The items of an array setting (cert_chain before 5.4.0) belong under the setting. */
function groupBySetting(files: readonly FileReference[]): [string, FileReference[]][] {
  const groups: [string, FileReference[]][] = [];
  for (const reference of files) {
    const segments = parsePointer(reference.pointer);
    const setting = /^\d+$/.test(segments.at(-1) ?? '') ? reference.pointer.slice(0, reference.pointer.lastIndexOf('/')) : reference.pointer;
    const last = groups.at(-1);
    if (last?.[0] === setting) last[1].push(reference);
    else groups.push([setting, [reference]]);
  }
  return groups;
}

function findingLines(findings: readonly Finding[]): string[] {
  if (!findings.length) return ['No findings.'];
  const lines = findings.slice(0, MAX_FINDINGS).map((f) => `- **${f.severity}** ${code(f.code)} (line ${f.range.start.line + 1}): ${escape(f.message, MAX_MESSAGE)}`);
  if (findings.length > MAX_FINDINGS) lines.push(`- … and ${findings.length - MAX_FINDINGS} more (the Problems panel lists them all)`);
  return ['**Findings:**', ...lines];
}
