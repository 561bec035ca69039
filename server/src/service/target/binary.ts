// The EMS binary in an EMS home and the version it holds. PTC's installs put wsems (wsems.exe on Windows)
// beside etc/ (/opt/thingworx/microserver/wsems runs -cfg …/etc/config.json). A real one is under 1 MB;
// anything past the bound is not one and is not read. What is found is kept by path, size and mtime.
import * as path from 'node:path';
import { isRemoteWindowsPath } from '../document/home';
import type { FileStat, FileSystemPort } from '../ports';
import { Recent } from '../../util/recent';
import { VersionScanner } from './scan';

/** Never read more of a binary than this (the 5.3.4 and 5.4.0 binaries are about 850 KB). */
export const MAX_BINARY_BYTES = 16 * 1024 * 1024;
export const BINARY_NAMES = ['wsems', 'wsems.exe'] as const;

/** Where the EMS binary of a home would be; none for a home this host cannot reach or name absolutely. */
export function binaryCandidates(home: string | undefined, platform: FileSystemPort['platform']): string[] {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  if (!home || isRemoteWindowsPath(home) || !paths.isAbsolute(home)) return [];
  return BINARY_NAMES.map((name) => paths.join(home, name));
}

interface Entry {
  size: number;
  mtimeMs: number;
  build: Promise<string | undefined>;
}

export class BinaryVersions {
  private readonly files = new Recent<Entry>(256);

  /** x.y.z.build of the binary at `file`; undefined when there is none, it cannot be read or holds no version. */
  async build(fs: FileSystemPort, file: string): Promise<string | undefined> {
    let stat: FileStat;
    try {
      stat = await fs.stat(file);
    } catch {
      return undefined;
    }
    if (stat.kind !== 'file' || stat.size === 0 || stat.size > MAX_BINARY_BYTES) return undefined;
    const entry = this.files.use(file);
    if (entry && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs) return entry.build;
    // A failed read is not kept (a permission fixed later changes no mtime); a binary without a version is.
    const build = scan(fs, file).catch(() => {
      this.files.delete(file);
      return undefined;
    });
    this.files.keep(file, { size: stat.size, mtimeMs: stat.mtimeMs, build });
    return build;
  }
}

async function scan(fs: FileSystemPort, file: string): Promise<string | undefined> {
  const scanner = new VersionScanner();
  let found: string | undefined;
  const take = (chunk: Uint8Array) => (found = scanner.push(chunk)) !== undefined;
  if (fs.readChunks) await fs.readChunks(file, MAX_BINARY_BYTES, take);
  else take(await fs.readFile(file, MAX_BINARY_BYTES));
  return found ?? scanner.end();
}
