// What each open document's check depended on — the files it read, the files links led to, the folders it
// listed — kept registered with the client as file watchers. One registration holds them all; it is
// replaced when the set changes, which is rare (a path edited), not per keystroke.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Connection, DidChangeWatchedFilesNotification, type Disposable, WatchKind } from 'vscode-languageserver/node';
import type { FileDependencies } from '../service';

export class FileWatches {
  private readonly byDocument = new Map<string, string[]>();
  private watched = '';
  private registration: Promise<Disposable> | undefined;

  constructor(private readonly connection: Connection) {}

  set(uri: string, dependencies: Pick<FileDependencies, 'files' | 'folders'> | undefined): void {
    // A file by its folder and name; a folder by everything in it (a file created there is news).
    const patterns = [
      ...(dependencies?.files ?? []).map((file) => `${path.dirname(file)}\0${path.basename(file).replace(/[*?{}[]/g, '[$&]')}`),
      ...(dependencies?.folders ?? []).map((folder) => `${folder}\0*`),
    ];
    if (patterns.length) this.byDocument.set(uri, patterns);
    else this.byDocument.delete(uri);
    const all = [...new Set([...this.byDocument.values()].flat())].sort();
    const key = all.join('\n');
    if (key === this.watched) return;
    this.watched = key;
    const previous = this.registration;
    // Relative patterns (a folder and a glob in it) let VS Code watch outside the workspace.
    const watchers = all.map((entry) => {
      const [folder, pattern] = entry.split('\0') as [string, string];
      return { globPattern: { baseUri: pathToFileURL(folder).href, pattern }, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete };
    });
    this.registration = watchers.length ? this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }) : undefined;
    void previous?.then((d) => d.dispose(), () => undefined);
  }
}
