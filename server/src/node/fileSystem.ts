// The file-system port on Node. A config can name anything — a FIFO, /dev/zero, a 40 MB log, a folder, a
// symlink loop, a file replaced while we look — so every read is: stat, open without blocking, check the
// opened handle is still a regular file, read at most the bound.
import { constants, promises as fs } from 'node:fs';
import { type FileStat, FsError, type FileSystemPort } from '../service/ports';

export const nodeFileSystem: FileSystemPort = {
  platform: process.platform === 'win32' ? 'win32' : 'posix',

  async stat(path) {
    try {
      return toStat(await fs.stat(path));
    } catch (error) {
      throw toFsError(error);
    }
  },

  async readFile(path, maxBytes) {
    let handle: fs.FileHandle | undefined;
    try {
      // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
      handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
      const stat = await handle.stat();
      if (!stat.isFile()) throw new FsError('not-regular', 'not a regular file');
      if (stat.size > maxBytes) throw new FsError('too-large', `${stat.size} bytes`);
      const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
      let length = 0;
      // The file may grow between fstat and read: read to the bound + 1 byte, never further.
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) throw new FsError('too-large', `more than ${maxBytes} bytes`);
      return buffer.subarray(0, length);
    } catch (error) {
      throw toFsError(error);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  },

  realpath: (path) => fs.realpath(path),

  async readDirectory(path) {
    try {
      return await fs.readdir(path);
    } catch {
      return [];
    }
  },
};

function toStat(stat: import('node:fs').Stats): FileStat {
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
