// The document checks that need nothing but the text: syntax, shape, policy and relations.
import { FindingSink } from '../document/findings';
import { indexText, type Model, parseModel } from '../document/model';
import { checkPolicy } from './policy';
import { checkRelations } from './relations';
import { checkShape, type Visit } from './shape';
import { reportDuplicateKeys, reportParseErrors, scanTokens } from './syntax';
import type { Finding } from '../types';
import type { Version } from '../version';

export interface DocumentCheck {
  model: Model;
  findings: Finding[];
  /** Every value the schema walk reached, with its schema (empty when the document is not an EMS config). */
  visits: Visit[];
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
    const shape = checkShape(model.root, version, sink);
    visits = shape.visits;
    if (!shape.notEms) {
      checkPolicy(visits, version, sink);
      checkRelations(model.root, visits, version, sink);
    }
  }
  return { model, findings: sink.findings, visits };
}
