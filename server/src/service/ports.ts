// The outside world as the service sees it. Adapters pass real implementations (server/src/node/);
// tests pass their own. Nothing in the service touches fs, the clock or the network directly.

export interface FileStat {
  kind: 'file' | 'directory' | 'other';
  size: number;
  mtimeMs: number;
}

export type FsErrorKind = 'not-found' | 'permission' | 'loop' | 'not-regular' | 'too-large' | 'io';

export class FsError extends Error {
  constructor(readonly kind: FsErrorKind, message: string) {
    super(message);
  }
}

export interface FileSystemPort {
  /** Path semantics of the host: a Windows path cannot be checked elsewhere, nor a POSIX one on Windows. */
  readonly platform: 'posix' | 'win32';
  /** Follows symbolic links. Rejects with FsError. */
  stat(path: string): Promise<FileStat>;
  /** A regular file of at most maxBytes, never blocking on FIFOs or devices. Rejects with FsError. */
  readFile(path: string, maxBytes: number): Promise<Uint8Array>;
  /**
   * A regular file from its start, in chunks, never more than maxBytes in all (the rest is not read), until
   * `take` returns true. A chunk is valid only during the call. For files too large to hold (the EMS binary);
   * without it such files are read with readFile. Rejects with FsError.
   */
  readChunks?(path: string, maxBytes: number, take: (chunk: Uint8Array) => boolean): Promise<void>;
  /** Names in a folder; [] when it cannot be listed. */
  readDirectory(path: string): Promise<string[]>;
  /** The path with every symbolic link resolved, when the port can tell. */
  realpath?(path: string): Promise<string>;
  /**
   * How many changes the port has been told about. A port that knows when files change (its client watches
   * them) lets checks reuse their file findings while this stays the same; without it files are read anew.
   */
  generation?(): number;
}

export interface ServicePorts {
  fs: FileSystemPort;
  /** The instant certificates are judged at (the CLI's --now, a test's fixed date). */
  now: () => Date;
}
