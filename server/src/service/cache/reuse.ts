// A keystroke that does not touch a path, a passphrase or a setting needs no new file verdicts: while the
// file-system port reports no change, the file findings of the last check with the same inputs are replayed
// onto the new document's nodes (their ranges and fixes rebuilt, since the text around them moved).
import type { Node } from 'jsonc-parser';
import { Recent } from '../../util/recent';
import type { Code, Severity } from '../codes';
import { checkFiles, type FileReference, type FilesContext, isFileValue } from '../checks/files';
import { FindingSink } from '../document/findings';
import { findProperty } from '../document/model';
import { secretHash } from './pki';
import { replaceFix } from '../document/edits';
import type { Visit } from '../checks/shape';
import type { FindingData } from '../types';

const MAX_ENTRIES = 16;
/** Verdicts such as "expires in 20 days" may be reused for this long. */
const REUSE_MS = 60_000;

interface Recorded {
  target: number;
  code: Code;
  severity: Severity;
  message: string;
  data: FindingData | undefined;
  /** File fixes all replace the value: its new text, which is rebuilt into an edit on the new node. */
  fixes: { title: string; newText: string; preferred: boolean }[];
}

interface Entry {
  references: FileReference[];
  findings: Recorded[];
}

export class FilesReuse {
  private readonly entries = new Recent<Entry>(MAX_ENTRIES);

  async check(visits: readonly Visit[], context: FilesContext): Promise<FileReference[]> {
    const generation = context.fs.generation?.();
    if (generation === undefined) return checkFiles(visits, context);
    const targets = visits.filter(isFileValue);
    const key = inputsOf(targets, context, generation);
    const known = this.entries.use(key);
    if (known) {
      replay(known, targets, context.sink);
      return known.references;
    }
    const recorder = new FindingSink(context.sink.model);
    const references = await checkFiles(visits, { ...context, sink: recorder });
    context.sink.findings.push(...recorder.findings);
    const index = new Map(targets.map((t, i) => [t.pointer, i]));
    this.entries.keep(key, { references, findings: recorder.findings.map((f) => record(f, index.get(f.pointer) ?? -1)) });
    return references;
  }
}

/** Everything file verdicts depend on. Passphrases enter as hashes: the cache keeps no secret. */
function inputsOf(targets: readonly Visit[], context: FilesContext, generation: number): string {
  const sibling = (visit: Visit, key: string) => {
    const value = findProperty(visit.node.parent?.parent, key)?.valueNode?.value;
    return typeof value === 'string' ? value : null;
  };
  // Built as a string (JSON for anything a document spells): this runs on every keystroke.
  let key = `${generation} ${JSON.stringify(context.home ?? null)} ${context.version} ${context.settings.expiryWarningDays} ${Math.floor(context.now.getTime() / REUSE_MS)}`;
  for (const target of targets) {
    const file = target.schema['x-ems-file'];
    key += `|${JSON.stringify(target.pointer)}${JSON.stringify(target.node.value)}`;
    if (file?.passphrase) {
      const passphrase = sibling(target, file.passphrase);
      key += passphrase === null ? '-' : secretHash(passphrase);
    }
    if (file?.certificate) key += JSON.stringify(sibling(target, file.certificate));
  }
  return key;
}

function record(finding: { code: Code; severity: Severity; message: string; data?: FindingData }, target: number): Recorded {
  const { fixes, ...data } = finding.data ?? {};
  return {
    target, code: finding.code, severity: finding.severity, message: finding.message,
    data: finding.data ? data : undefined,
    fixes: (fixes ?? []).map((fix) => ({ title: fix.title, newText: fix.edits[0]?.newText ?? '', preferred: fix.preferred === true })),
  };
}

function replay(entry: Entry, targets: readonly Visit[], sink: FindingSink): void {
  for (const finding of entry.findings) {
    const visit = targets[finding.target];
    if (!visit) continue;
    const node: Node = visit.node;
    const data: FindingData | undefined = finding.fixes.length
      ? { ...finding.data, fixes: finding.fixes.map((fix) => replaceFix(sink, node, fix.newText, fix.title, fix.preferred)) }
      : finding.data;
    sink.add(finding.code, finding.message, node, visit.pointer, data, finding.severity);
  }
}
