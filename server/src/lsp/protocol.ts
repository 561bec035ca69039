// The messages between the EMS Config client and server beyond LSP. Declared once, imported by both
// (the client bundle takes only these names: this file imports types only, which the bundle drops).

/** Client → server: what the language status item shows for a document. */
export const StatusRequest = 'emsConfig/status';
export interface StatusParams { uri: string }
export type { DocumentStatus as StatusResult } from '../service';

/** Client → server: the certificate report of a document, as Markdown. */
export const ReportRequest = 'emsConfig/report';
export interface ReportParams { uri: string }

/** Client → server: check every open document again now. */
export const RecheckRequest = 'emsConfig/recheck';

/** A client command the server attaches to code actions: select a range after an edit (a placeholder). */
export const SelectCommand = 'emsConfig.selectRange';
