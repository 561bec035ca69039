// The files each open document read, kept registered with the client as file watchers. One registration
// holds them all; it is replaced when the set changes, which is rare (a path edited), not per keystroke.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Connection, DidChangeWatchedFilesNotification, type Disposable, WatchKind } from 'vscode-languageserver/node';

export class FileWatches {
  private readonly byDocument = new Map<string, string[]>();
  private watched = '';
  private registration: Promise<Disposable> | undefined;

  constructor(private readonly connection: Connection) {}

  set(uri: string, files: string[]): void {
    if (files.length) this.byDocument.set(uri, files);
    else this.byDocument.delete(uri);
    const all = [...new Set([...this.byDocument.values()].flat())].sort();
    const key = all.join('\n');
    if (key === this.watched) return;
    this.watched = key;
    const previous = this.registration;
    // Each file by its folder and name: a relative pattern lets VS Code watch outside the workspace.
    const watchers = all.map((file) => ({
      globPattern: { baseUri: pathToFileURL(path.dirname(file)).href, pattern: path.basename(file).replace(/[*?{}[]/g, '[$&]') },
      kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete,
    }));
    this.registration = watchers.length ? this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }) : undefined;
    void previous?.then((d) => d.dispose(), () => undefined);
  }
}
