// A keystroke that changes nothing the file checks read needs no new file verdicts: while the file-system
// port reports no change and the clock has not reached the next verdict change, the findings of a check
// whose recorded inputs still hold are replayed onto the new document's nodes (their ranges and fixes
// rebuilt, since the text around them moved). Without a port that knows of changes, files are read anew.
import type { ReuseStore } from '../cache/reuse';
import type { Code, Severity } from '../codes';
import { replaceFix } from '../document/edits';
import { FindingSink } from '../document/findings';
import type { FindingData } from '../types';
import { checkFiles, type FileReference, type FilesContext, fileTargets } from './files';
import { type FileDependencies, FileInputs } from './inputs';
import type { Visit } from './shape';

/** Day counts in messages ("in 19 days") may be reused for this long, whatever the verdicts. */
const REUSE_MS = 60_000;

interface Recorded {
  target: string;
  code: Code;
  severity: Severity;
  message: string;
  data: FindingData | undefined;
  /** File fixes all replace the value: its new text, which is rebuilt into an edit on the new node. */
  fixes: { title: string; newText: string; preferred: boolean }[];
}

export interface FilesOutcome {
  references: FileReference[];
  dependencies: FileDependencies;
}

interface Entry {
  /** Home, release, warning window and trust: the context the verdicts were made in. */
  context: string;
  inputs: FileInputs;
  outcome: FilesOutcome;
  findings: Recorded[];
}

export type FilesReuse = ReuseStore<Entry>;

export async function checkFilesReusing(visits: readonly Visit[], context: Omit<FilesContext, 'inputs'>, store: FilesReuse): Promise<FilesOutcome> {
  const targets = fileTargets(visits);
  const generation = context.fs.generation?.();
  // Trust is part of it: verdicts refused in an untrusted workspace must not be replayed once it is trusted.
  const contextKey = `${context.program ?? ''} ${JSON.stringify(context.home ?? null)} ${context.version} ${context.settings.expiryWarningDays} ${JSON.stringify(context.settings.trust ?? null)}`;
  const now = context.now.getTime();
  if (generation !== undefined) {
    const known = store.find(generation, now, (entry) => entry.context === contextKey && entry.inputs.holdsFor(targets));
    if (known) {
      replay(known.findings, targets, context.sink);
      return known.outcome;
    }
  }
  const inputs = new FileInputs(targets);
  const recorder = new FindingSink(context.sink.model);
  const references = await checkFiles(targets, { ...context, inputs, sink: recorder });
  context.sink.findings.push(...recorder.findings);
  const outcome = { references, dependencies: inputs.dependencies() };
  if (generation !== undefined) {
    store.keep({ generation, validUntil: Math.min(inputs.validUntil(), now + REUSE_MS),
      value: { context: contextKey, inputs, outcome, findings: recorder.findings.map(record) } });
  }
  return outcome;
}

function record(finding: { code: Code; severity: Severity; message: string; pointer: string; data?: FindingData }): Recorded {
  const { fixes, ...data } = finding.data ?? {};
  return {
    target: finding.pointer, code: finding.code, severity: finding.severity, message: finding.message,
    data: finding.data ? data : undefined,
    fixes: (fixes ?? []).map((fix) => ({ title: fix.title, newText: fix.edits[0]?.newText ?? '', preferred: fix.preferred === true })),
  };
}

function replay(findings: readonly Recorded[], targets: ReadonlyMap<string, Visit>, sink: FindingSink): void {
  for (const finding of findings) {
    const visit = targets.get(finding.target);
    if (!visit) continue;
    const data: FindingData | undefined = finding.fixes.length
      ? { ...finding.data, fixes: finding.fixes.map((fix) => replaceFix(sink, visit.node, fix.newText, fix.title, fix.preferred)) }
      : finding.data;
    sink.add(finding.code, finding.message, visit.node, visit.pointer, data, finding.severity);
  }
}
