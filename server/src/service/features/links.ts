// Document links: every value that names a certificate or key file opens the file it resolved to (relative
// values against the EMS home, as the checks read them). Folders (x-ems-directory) get none: an editor
// cannot open a folder as a document.
import { pathToFileURL } from 'node:url';
import type { Node } from 'jsonc-parser';
import type { FileReference } from '../checks/files';
import type { CheckResult } from '../checks';
import type { Range } from '../types';

export interface DocumentLinkEntry {
  /** The string's content, inside the quotes. */
  range: Range;
  /** file:// URI of the resolved path. */
  target: string;
  tooltip?: string;
}

export function documentLinks(result: CheckResult): DocumentLinkEntry[] {
  const { model, visits } = result.document;
  const strings = new Map<string, Node>();
  for (const visit of visits) if (visit.node.type === 'string') strings.set(visit.pointer, visit.node);
  const links: DocumentLinkEntry[] = [];
  for (const reference of result.files) {
    const node = strings.get(reference.pointer);
    // No link where the check would not read: opening it would read the file after all.
    if (!node || !reference.resolved || reference.role === 'directory' || reference.status === 'not-checkable' || reference.status === 'outside-workspace') continue;
    links.push({ range: model.rangeOf(node.offset + 1, node.length - 2), target: pathToFileURL(reference.resolved).href, tooltip: tooltip(reference) });
  }
  return links;
}

function tooltip(reference: FileReference): string {
  const missing = reference.status === 'not-found' ? ' (does not exist)' : '';
  return `${reference.resolved}${missing}`;
}
