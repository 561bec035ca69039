// Reading one certificate or key file: stat, the rules on kind and size, a bounded read, the parse through
// the cache. The file checks and path completion both read this way, so both say the same about a file.
import type { ParsedPki } from '../../pki';
import type { PkiCache } from '../cache/pki';
import type { FileStat, FileSystemPort } from '../ports';

/** No certificate or key file comes near this; anything larger is not one. */
export const MAX_PKI_FILE_BYTES = 1024 * 1024;

export type PkiRead =
  | { kind: 'parsed'; stat: FileStat; parsed: ParsedPki }
  | { kind: 'directory' | 'not-regular' | 'empty' | 'too-large'; stat: FileStat }
  /** stat or read failed: the port's FsError (or anything else it threw). */
  | { kind: 'failed'; error: unknown; stat?: FileStat };

export async function readPkiFile(file: string, fs: FileSystemPort, cache: PkiCache): Promise<PkiRead> {
  let stat: FileStat;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    return { kind: 'failed', error };
  }
  if (stat.kind !== 'file') return { kind: stat.kind === 'directory' ? 'directory' : 'not-regular', stat };
  if (stat.size === 0) return { kind: 'empty', stat };
  if (stat.size > MAX_PKI_FILE_BYTES) return { kind: 'too-large', stat };
  try {
    return { kind: 'parsed', stat, parsed: await cache.parsed(file, stat, () => fs.readFile(file, MAX_PKI_FILE_BYTES)) };
  } catch (error) {
    return { kind: 'failed', error, stat };
  }
}
