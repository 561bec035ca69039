// The three report formats of `ems-config check`: compiler-style text, the contract's JSON, and SARIF 2.1.0.
import { ALL_CODES, CODES, type Finding, type Severity, type Target, terminalSafe } from '../service';

export interface FileReport {
  path: string;
  home: string | undefined;
  /** The release the file was checked as, and where that came from. */
  target: Target;
  findings: Finding[];
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  information: number;
  hints: number;
}

export function summarize(reports: readonly FileReport[]): Summary {
  const summary: Summary = { files: reports.length, errors: 0, warnings: 0, information: 0, hints: 0 };
  for (const finding of reports.flatMap((r) => r.findings)) {
    if (finding.severity === 'error') summary.errors++;
    else if (finding.severity === 'warning') summary.warnings++;
    else if (finding.severity === 'information') summary.information++;
    else summary.hints++;
  }
  return summary;
}

const COLOURS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', information: '\x1b[36m', hint: '\x1b[2m' };

/** `file:line:col severity code message` (1-based, as compilers print), then a one-line summary. */
export function formatText(reports: readonly FileReport[], colour: boolean): string {
  const paint = (severity: Severity, text: string) => (colour ? `${COLOURS[severity]}${text}\x1b[0m` : text);
  const lines: string[] = [];
  for (const report of reports) {
    for (const f of report.findings) {
      // Paths and messages carry text from files (keys, values, names): never let it drive the terminal.
      const where = `${terminalSafe(report.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      lines.push(`${colour ? `\x1b[1m${where}\x1b[0m` : where} ${paint(f.severity, f.severity)} ${f.code} ${terminalSafe(f.message)}`);
    }
  }
  if (reports.length) lines.push(targetLine(reports));
  const s = summarize(reports);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(s.files, 'file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.information} information, ${plural(s.hints, 'hint')}`);
  return lines.join('\n') + '\n';
}

/** 'Checked as EMS 5.4.0, read from /opt/ems/wsems (version 5.4.0.114)': one clause per release and source. */
function targetLine(reports: readonly FileReport[]): string {
  const groups = new Map<string, FileReport[]>();
  for (const report of reports) {
    const key = `${report.target.release} ${report.target.source}`;
    const group = groups.get(key);
    if (group) group.push(report);
    else groups.set(key, [report]);
  }
  const clauses = [...groups.values()].map((group) => {
    const { release } = group[0]!.target;
    const count = groups.size > 1 ? ` (${group.length} file${group.length === 1 ? '' : 's'})` : '';
    return `EMS ${terminalSafe(release)}${count}, ${origin(group.map((r) => r.target))}`;
  });
  return `Checked as ${clauses.join('; as ')}`;
}

function origin(targets: readonly Target[]): string {
  const first = targets[0]!;
  switch (first.source) {
    case 'flag': return 'chosen with --ems-version';
    case 'setting': return 'chosen in the settings';
    case 'default': return 'the default, the newest known release: no wsems binary in the EMS home says which (--ems-version chooses)';
    case 'binary': {
      const binaries = new Set(targets.map((t) => t.binary));
      return binaries.size === 1 ? `read from ${terminalSafe(first.binary ?? '')}${first.build ? ` (version ${terminalSafe(first.build)})` : ''}` : 'read from the wsems binary in each EMS home';
    }
  }
}

export function formatJson(reports: readonly FileReport[]): string {
  const files = reports.map((r) => ({
    path: r.path,
    home: r.home ?? null,
    target: r.target,
    diagnostics: r.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, pointer: f.pointer, range: f.range, ...(f.data?.related ? { related: f.data.related } : {}) })),
  }));
  return JSON.stringify({ version: 1, files, summary: summarize(reports) }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(reports: readonly FileReport[], toolVersion: string, toUri: (path: string) => string): string {
  const rules = ALL_CODES.map((code) => ({
    id: code,
    shortDescription: { text: CODES[code].summary },
    defaultConfiguration: { level: SARIF_LEVEL[CODES[code].severity] },
    properties: { category: CODES[code].category },
  }));
  const results = reports.flatMap((report) => report.findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: ALL_CODES.indexOf(f.code),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: toUri(report.path) },
        region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
      },
      logicalLocations: f.pointer ? [{ fullyQualifiedName: f.pointer, kind: 'member' }] : undefined,
    }],
    // A cross-file finding (config.json ↔ config.lua) points at the other file's value.
    ...(f.data?.related ? {
      relatedLocations: f.data.related.map((r, id) => ({
        id,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri: toUri(r.path) }, region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 } },
      })),
    } : {}),
  })));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'ems-config', version: toolVersion, rules } }, columnKind: 'utf16CodeUnits', results }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
