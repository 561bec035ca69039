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

/** Client → server: test one endpoint of a document now (the user clicked its lens or ran the command). */
export const ConnectRequest = 'emsConfig/connect';
/** `id`: the endpoint's JSON pointer (/ws_servers/0, /http_server, /auto_bind/<n>); absent: the platform. */
export interface ConnectParams { uri: string; id?: string }
export interface ConnectAnswer {
  outcome: 'connected' | 'refused' | 'untested';
  summary: string;
  /** The details view, as Markdown. */
  markdown: string;
  /** A root the server sent that no CA list holds, for the client to offer after showing it. */
  saveRoot?: { subject: string; sha256: string; pem: string; file: string };
}

/** Client → server: the details of the last test of an endpoint, as Markdown ('' when it was never tested). */
export const ConnectionDetailsRequest = 'emsConfig/connectionDetails';

/** The commands the server's code lenses run (registered by the client). */
export const TestConnectionCommand = 'emsConfig.testConnection';
export const ShowConnectionCommand = 'emsConfig.showConnection';
