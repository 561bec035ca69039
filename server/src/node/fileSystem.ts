// The file-system port on Node. A config can name anything — a FIFO, /dev/zero, a 40 MB log, a folder, a
// symlink loop, a file replaced while we look — so every read is: stat, open without blocking, check the
// opened handle is still a regular file, read at most the bound.
//
// One procedure, two sets of calls: the language server's use promises, so a slow disk never holds up a
// keystroke; the CLI's are synchronous, because a batch of configs has nothing else to wait for, and
// skipping libuv's thread pool saves about 40% of its CPU per config (bench/run.ts, CLI figure).
import * as fs from 'node:fs';
import { type FileStat, FsError, type FileSystemPort } from '../service/ports';

type Maybe<T> = T | Promise<T>;

interface Calls<Handle> {
  stat(path: string): Maybe<fs.Stats>;
  open(path: string, flags: number): Maybe<Handle>;
  fstat(handle: Handle): Maybe<fs.Stats>;
  read(handle: Handle, buffer: Buffer, offset: number, length: number, position: number): Maybe<number>;
  close(handle: Handle): Maybe<void>;
  realpath(path: string): Maybe<string>;
  readdir(path: string): Maybe<string[]>;
}

const promiseCalls: Calls<fs.promises.FileHandle> = {
  stat: (path) => fs.promises.stat(path),
  open: (path, flags) => fs.promises.open(path, flags),
  fstat: (handle) => handle.stat(),
  read: async (handle, buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
  close: (handle) => handle.close(),
  realpath: (path) => fs.promises.realpath(path),
  readdir: (path) => fs.promises.readdir(path),
};

const syncCalls: Calls<number> = {
  stat: (path) => fs.statSync(path),
  open: (path, flags) => fs.openSync(path, flags),
  fstat: (fd) => fs.fstatSync(fd),
  read: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
  close: (fd) => fs.closeSync(fd),
  realpath: (path) => fs.realpathSync.native(path),
  readdir: (path) => fs.readdirSync(path),
};

/** readChunks reads this much at a time. */
const CHUNK_BYTES = 256 * 1024;

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

function portOf<Handle>(calls: Calls<Handle>): FileSystemPort {
  return {
    platform: process.platform === 'win32' ? 'win32' : 'posix',

    async stat(path) {
      try {
        return toStat(await calls.stat(path));
      } catch (error) {
        throw toFsError(error);
      }
    },

    async readFile(path, maxBytes) {
      let handle: Handle | undefined;
      try {
        handle = await calls.open(path, READ_FLAGS);
        const stat = await calls.fstat(handle);
        if (!stat.isFile()) throw new FsError('not-regular', 'not a regular file');
        if (stat.size > maxBytes) throw new FsError('too-large', `${stat.size} bytes`);
        const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
        let length = 0;
        // The file may grow between fstat and read: read to the bound + 1 byte, never further.
        while (length < buffer.length) {
          const bytesRead = await calls.read(handle, buffer, length, buffer.length - length, length);
          if (bytesRead === 0) break;
          length += bytesRead;
        }
        if (length > maxBytes) throw new FsError('too-large', `more than ${maxBytes} bytes`);
        return buffer.subarray(0, length);
      } catch (error) {
        throw toFsError(error);
      } finally {
        if (handle !== undefined) await closeQuietly(calls, handle);
      }
    },

    async readChunks(path, maxBytes, take) {
      let handle: Handle | undefined;
      try {
        handle = await calls.open(path, READ_FLAGS);
        if (!(await calls.fstat(handle)).isFile()) throw new FsError('not-regular', 'not a regular file');
        // One buffer for every chunk: the taker keeps what it needs. The bound holds however the file grows.
        const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, maxBytes));
        for (let position = 0; position < maxBytes;) {
          const bytesRead = await calls.read(handle, buffer, 0, Math.min(buffer.length, maxBytes - position), position);
          if (bytesRead === 0 || take(buffer.subarray(0, bytesRead))) break;
          position += bytesRead;
        }
      } catch (error) {
        throw toFsError(error);
      } finally {
        if (handle !== undefined) await closeQuietly(calls, handle);
      }
    },

    realpath: async (path) => calls.realpath(path),

    async readDirectory(path) {
      try {
        return await calls.readdir(path);
      } catch {
        return [];
      }
    },
  };
}

async function closeQuietly<Handle>(calls: Calls<Handle>, handle: Handle): Promise<void> {
  try {
    await calls.close(handle);
  } catch {
    // nothing was written: a failed close loses nothing
  }
}

/** For the language server: never blocks the event loop. */
export const nodeFileSystem = portOf(promiseCalls);
/** For the CLI's batch: blocking calls, one config after another in each process. */
export const blockingFileSystem = portOf(syncCalls);

function toStat(stat: fs.Stats): FileStat {
  return { kind: stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other', size: stat.size, mtimeMs: stat.mtimeMs };
}

function toFsError(error: unknown): FsError {
  if (error instanceof FsError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': case 'ENOTDIR': return new FsError('not-found', 'no such file');
    case 'EACCES': case 'EPERM': return new FsError('permission', 'permission denied');
    case 'ELOOP': return new FsError('loop', 'symbolic link loop');
    case 'EISDIR': return new FsError('not-regular', 'a folder');
    case 'ENXIO': return new FsError('not-regular', 'a socket or device without a reader');
    default: return new FsError('io', code ?? 'I/O error');
  }
}
