// A FileSystemPort over a Map, so that unit tests (through memoryService in ./service.ts) and thousands of
// fuzz cases never touch the disk. Entries can misbehave the ways a real disk does: fail to stat or read with
// any FsError kind (or a plain Error), be replaced between stat and read (other bytes, another size), or grow
// past the bound while read. POSIX paths only, and no realpath: a symbolic link is for the Node port's tests.
import * as path from 'node:path';
import { type FileStat, FsError, type FsErrorKind, type FileSystemPort } from '../../server/src/service/ports';

export type Fault =
  | { at: 'stat' | 'read'; error: FsErrorKind | 'plain' | 'non-error' }
  /** stat reports the entry; read returns these bytes instead (a file replaced between stat and read). */
  | { at: 'read'; replacedBy: Uint8Array }
  /** read rejects as if the file was swapped for a FIFO or folder after stat. */
  | { at: 'read'; swapped: 'not-regular' };

export interface MemoryEntry {
  kind: FileStat['kind'];
  bytes?: Uint8Array;
  /** Reported by stat instead of the length of bytes. */
  size?: number;
  mtimeMs?: number;
  fault?: Fault;
}

export class MemoryFileSystem implements FileSystemPort {
  readonly platform = 'posix' as const;
  /** Every path read, for tests that want to know. */
  readonly reads: string[] = [];
  /** Every path stat-ed and every folder listed: what an untrusted workspace must not touch. */
  readonly stats: string[] = [];
  readonly listings: string[] = [];

  constructor(readonly entries: Map<string, MemoryEntry> = new Map()) {}

  async stat(file: string): Promise<FileStat> {
    this.stats.push(file);
    const entry = this.entries.get(path.posix.normalize(file));
    if (!entry) throw new FsError('not-found', 'no such file');
    if (entry.fault?.at === 'stat' && 'error' in entry.fault) throw failure(entry.fault.error);
    return { kind: entry.kind, size: entry.size ?? entry.bytes?.length ?? 0, mtimeMs: entry.mtimeMs ?? 0 };
  }

  async readFile(file: string, maxBytes: number): Promise<Uint8Array> {
    this.reads.push(file);
    const entry = this.entries.get(path.posix.normalize(file));
    if (!entry) throw new FsError('not-found', 'no such file');
    const fault = entry.fault;
    if (fault?.at === 'read' && 'error' in fault) throw failure(fault.error);
    if (fault?.at === 'read' && 'swapped' in fault) throw new FsError('not-regular', 'not a regular file');
    if (entry.kind === 'directory') throw new FsError('not-regular', 'a folder');
    if (entry.kind !== 'file') throw new FsError('not-regular', 'not a regular file');
    const bytes = fault?.at === 'read' && 'replacedBy' in fault ? fault.replacedBy : entry.bytes ?? new Uint8Array();
    // As the Node port does: never more than the bound, and too-large when there is more.
    if (bytes.length > maxBytes) throw new FsError('too-large', `more than ${maxBytes} bytes`);
    return bytes.slice();
  }

  async readDirectory(folder: string): Promise<string[]> {
    this.listings.push(folder);
    // As readdir does, a folder named with a trailing separator is the folder.
    const wanted = path.posix.normalize(folder).replace(/(?<=.)\/+$/, '');
    const names = new Set<string>();
    for (const key of this.entries.keys()) {
      if (path.posix.dirname(key) === wanted && key !== wanted) names.add(path.posix.basename(key));
    }
    return [...names];
  }
}

function failure(kind: FsErrorKind | 'plain' | 'non-error'): unknown {
  if (kind === 'plain') return new Error('EIO: i/o error, read');
  // Something that is not an Error at all: a port written carelessly, or a rejected promise of a string.
  if (kind === 'non-error') return 'EIO';
  return new FsError(kind, kind);
}
