// Outline, folding, selection ranges and formatting: generic JSON features, taken from VS Code's own JSON
// language service rather than written again. No schema is configured there: EMS judgement is ours.
import { getLanguageService, type JSONDocument } from 'vscode-json-languageservice';
import type { DocumentSymbol, FoldingRange, FormattingOptions, Position, Range, SelectionRange, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isSecretKey, nestsTooDeep } from '../service';

const json = getLanguageService({});
const parsed = new WeakMap<TextDocument, { version: number; document: JSONDocument }>();

const depthChecked = new WeakMap<TextDocument, { version: number; tooDeep: boolean }>();

/** One parse per document version, shared by the structure features. */
function jsonDocument(document: TextDocument): JSONDocument {
  const cached = parsed.get(document);
  if (cached?.version === document.version) return cached.document;
  const fresh = json.parseJSONDocument(document);
  parsed.set(document, { version: document.version, document: fresh });
  return fresh;
}

/**
 * Deeper than the checker reads (cJSON's 1,000): the JSON service's recursion would overflow the stack, and
 * formatting 5,000 levels made a 100 MB answer. Such a document gets no outline, folding, selection or format.
 */
function tooDeep(document: TextDocument): boolean {
  const cached = depthChecked.get(document);
  if (cached?.version === document.version) return cached.tooDeep;
  const verdict = nestsTooDeep(document.getText());
  depthChecked.set(document, { version: document.version, tooDeep: verdict });
  return verdict;
}

export function outline(document: TextDocument): DocumentSymbol[] {
  if (tooDeep(document)) return [];
  return hideSecrets(json.findDocumentSymbols2(document, jsonDocument(document), { resultLimit: 5000 }));
}

/** The outline shows values as details: never those of secrets (appKey, passwords, passphrases). */
function hideSecrets(symbols: DocumentSymbol[]): DocumentSymbol[] {
  for (const symbol of symbols) {
    if (isSecretKey(symbol.name)) delete symbol.detail;
    if (symbol.children) hideSecrets(symbol.children);
  }
  return symbols;
}

export function folding(document: TextDocument): FoldingRange[] {
  if (tooDeep(document)) return [];
  return json.getFoldingRanges(document, { rangeLimit: 5000 });
}

export function selectionRanges(document: TextDocument, positions: Position[]): SelectionRange[] {
  if (tooDeep(document)) return [];
  // A position past the end would come back as it is: clamp it into the document first.
  const inside = positions.map((position) => document.positionAt(document.offsetAt(position)));
  return json.getSelectionRanges(document, inside, jsonDocument(document));
}

export function format(document: TextDocument, range: Range | undefined, options: FormattingOptions): TextEdit[] {
  if (tooDeep(document)) return [];
  return json.format(document, range, options);
}
