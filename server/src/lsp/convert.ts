// Service findings to LSP diagnostics and code actions. The fixes travel in Diagnostic.data, so a code
// action is built from the diagnostic the client sends back — never by parsing the document again.
import { CodeAction, CodeActionKind, type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { Severity } from '../service/codes';
import type { Finding, FindingData, Fix } from '../service/types';

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
  return { range: finding.range, severity: SEVERITY[finding.severity], code: finding.code, source: SOURCE, message: finding.message, data };
}

export function quickFixes(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const fixes = (diagnostic.data as DiagnosticData | undefined)?.fixes;
    if (!Array.isArray(fixes)) continue;
    for (const fix of fixes as Fix[]) {
      const action = CodeAction.create(fix.title, { changes: { [uri]: fix.edits } }, CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}
