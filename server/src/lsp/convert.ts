// Service findings to LSP diagnostics and code actions. The fixes travel in Diagnostic.data, so a code
// action is built from the diagnostic the client sends back — never by parsing the document again.
import {
  CodeAction, CodeActionKind, type CompletionItem, CompletionItemKind, CompletionItemTag, type Diagnostic, DiagnosticSeverity, InsertTextFormat,
  MarkupKind, type Position, type TextEdit,
} from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import type { CompletionEntry, Finding, FindingData, Fix, Severity } from '../service';
import { SelectCommand } from './protocol';

export const SOURCE = 'ems-config';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticData extends FindingData {
  pointer: string;
}

export function toDiagnostic(finding: Finding): Diagnostic {
  const data: DiagnosticData = { ...finding.data, pointer: finding.pointer };
  const related = finding.data?.related?.map((r) => ({ location: { uri: pathToFileURL(r.path).href, range: r.range }, message: r.message }));
  return { range: finding.range, severity: SEVERITY[finding.severity], code: finding.code, source: SOURCE, message: finding.message, data, ...(related ? { relatedInformation: related } : {}) };
}

function fixesOf(diagnostic: Diagnostic): Fix[] {
  if (diagnostic.source !== SOURCE) return [];
  const fixes = (diagnostic.data as DiagnosticData | undefined)?.fixes;
  return Array.isArray(fixes) ? fixes : [];
}

/**
 * The quick fixes of the diagnostics the client asks about, plus one "fix all" per code where the same
 * code has more than one fixable finding in the whole document (`all`: the findings last published).
 */
export function codeActions(uri: string, diagnostics: readonly Diagnostic[], all: readonly Finding[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    for (const fix of fixesOf(diagnostic)) {
      const action = CodeAction.create(fix.title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      if (fix.preferred) action.isPreferred = true;
      if (fix.select) action.command = { title: 'Select the placeholder', command: SelectCommand, arguments: [uri, fix.select] };
      actions.push(action);
    }
  }
  const codes = new Set(diagnostics.filter((d) => fixesOf(d).length).map((d) => String(d.code)));
  for (const code of codes) {
    const edits = mergeable(all.filter((f) => f.code === code).flatMap((f) => preferredFix(f)?.edits ?? []));
    const count = all.filter((f) => f.code === code && preferredFix(f)).length;
    if (count < 2 || !edits.length) continue;
    actions.push(CodeAction.create(`Fix all ${code} problems in this file (${count})`, { changes: { [uri]: edits } }, CodeActionKind.QuickFix));
  }
  return actions;
}

function preferredFix(finding: Finding): Fix | undefined {
  const fixes = finding.data?.fixes ?? [];
  return fixes.find((f) => f.preferred) ?? (fixes.length === 1 ? fixes[0] : undefined);
}

/** Edits in document order, dropping any that overlap an earlier one (and exact repeats). */
function mergeable(edits: TextEdit[]): TextEdit[] {
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
  const sorted = [...edits].sort((a, b) => (before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0));
  const result: TextEdit[] = [];
  for (const edit of sorted) {
    const last = result[result.length - 1];
    if (last && before(edit.range.start, last.range.end)) continue;
    if (last && !before(last.range.start, edit.range.start) && !before(edit.range.start, last.range.start) && last.newText === edit.newText) continue;
    result.push(edit);
  }
  return result;
}

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
};

export function toCompletionItem(entry: CompletionEntry): CompletionItem {
  const item: CompletionItem = {
    label: entry.label,
    kind: COMPLETION_KIND[entry.kind],
    textEdit: { range: entry.range, newText: entry.insertText },
    insertTextFormat: entry.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (entry.detail) item.detail = entry.detail;
  if (entry.documentation) item.documentation = { kind: MarkupKind.Markdown, value: entry.documentation };
  if (entry.sortText) item.sortText = entry.sortText;
  if (entry.filterText) item.filterText = entry.filterText;
  if (entry.additionalEdits?.length) item.additionalTextEdits = entry.additionalEdits;
  if (entry.deprecated) item.tags = [CompletionItemTag.Deprecated];
  // A folder continues the path: open the suggestions again inside it.
  if (entry.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  return item;
}
