// The document checks that need nothing but the text: syntax, shape, policy and relations.
import { FindingSink } from '../document/findings';
import { indexText, type Model, parseModel } from '../document/model';
import { checkPolicy } from './policy';
import { checkRelations } from './relations';
import { checkShape, type Visit } from './shape';
import { recoveredSpans, reportDuplicateKeys, reportParseErrors, sayOnceWhatTheEmsDoes, scanTokens } from './syntax';
import type { FileReference } from './files';
import type { FileDependencies } from './inputs';
import type { Finding, Settings } from '../types';
import type { Version } from '../version';

export interface DocumentCheck {
  model: Model;
  findings: Finding[];
  /** Every value the schema walk reached, with its schema (empty when the document is not an EMS config). */
  visits: Visit[];
  /** 'lsr': the Lua Script Resource's config.lua (service/lua), whose tree is built from Lua, not JSON. */
  kind?: 'lsr';
}

export interface CheckRequest {
  text: string;
  /** Absolute file-system path of the config, when it has one (derives the EMS home). */
  path?: string | undefined;
  settings: Settings;
  /** Offset of the first byte that was not UTF-8, when the text was decoded from a file. */
  invalidUtf8At?: number | undefined;
}

/** A whole check: what the editor features and the adapters read. */
export interface CheckResult {
  findings: Finding[];
  /** The EMS home relative paths were resolved against. */
  home: string | undefined;
  /** Every value that names a file or folder, with what was found there. */
  files: FileReference[];
  /** What the file checks depended on: the files and folders to watch, the next instant a verdict changes. */
  dependencies: FileDependencies;
  /** The parsed document and every value the schema walk reached: hovers, completion and links read these. */
  document: DocumentCheck;
  /** The settings the check ran with, normalized. */
  settings: Settings;
  /** The instant certificates were judged at. */
  now: Date;
}

export function checkDocument(original: string, version: Version): DocumentCheck {
  const index = indexText(original);
  const sink = new FindingSink(index);
  // cJSON does not skip a byte-order mark. Report it, then parse a blank in its place so offsets hold.
  let text = original;
  if (text.startsWith('\uFEFF')) {
    sink.add('json-syntax', 'The file starts with a byte-order mark, which the EMS parser does not skip; save it as UTF-8 without BOM.',
      { offset: 0, length: 1 }, '', { fixes: [{ title: 'Remove the byte-order mark', edits: [{ range: index.rangeOf(0, 1), newText: '' }], preferred: true }] });
    text = ' ' + text.slice(1);
  }
  // Tokens first: a document nested too deep must not reach the recursive parser.
  const { tooDeep } = scanTokens(text, sink);
  const model = parseModel({ ...index, text }, tooDeep);
  reportParseErrors(model, sink);
  let visits: Visit[] = [];
  if (model.root) {
    reportDuplicateKeys(model.root, sink);
    sink.muteInside(recoveredSpans(model));
    const shape = checkShape(model.root, version, sink);
    visits = shape.visits.filter((visit) => !sink.isRecovered(visit.node.offset));
    if (!shape.notEms) {
      checkPolicy(visits, version, sink);
      checkRelations(model.root, visits, version, sink);
    }
  }
  sayOnceWhatTheEmsDoes(sink.findings);
  return { model, findings: sink.findings, visits };
}
