// A file-system port that remembers stat results until the file is reported changed. Only for a server
// whose client watches every file the checks read: then a keystroke re-checks without touching the disk,
// and a change on disk still reaches the next check through forget().
import type { FileStat, FileSystemPort } from '../service/ports';

export class WatchedStats implements FileSystemPort {
  private readonly stats = new Map<string, Promise<FileStat>>();
  private changes = 0;
  readonly platform: FileSystemPort['platform'];

  constructor(private readonly fs: FileSystemPort) {
    this.platform = fs.platform;
  }

  stat(path: string): Promise<FileStat> {
    let stat = this.stats.get(path);
    if (!stat) {
      stat = this.fs.stat(path);
      this.stats.set(path, stat);
    }
    return stat;
  }

  readFile(path: string, maxBytes: number): Promise<Uint8Array> {
    return this.fs.readFile(path, maxBytes);
  }

  readChunks(path: string, maxBytes: number, take: (chunk: Uint8Array) => boolean): Promise<void> {
    if (this.fs.readChunks) return this.fs.readChunks(path, maxBytes, take);
    return this.fs.readFile(path, maxBytes).then((bytes) => void take(bytes));
  }

  readDirectory(path: string): Promise<string[]> {
    return this.fs.readDirectory(path);
  }

  realpath(path: string): Promise<string> {
    return this.fs.realpath ? this.fs.realpath(path) : Promise.resolve(path);
  }

  generation(): number {
    return this.changes;
  }

  /**
   * Something the checks depend on changed: stat everything again next time. Not only the paths reported:
   * a change to the file behind a symbolic link is reported under the target's path, but the stat kept is
   * the link's. Changes are rare next to keystrokes, and a stat is cheap.
   */
  forget(): void {
    this.changes++;
    this.stats.clear();
  }
}
