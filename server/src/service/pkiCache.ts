// Certificates and keys are parsed once per file version, not per keystroke: a parse is keyed by path and
// kept while size and mtime stay the same; an opened key is kept per parse and per passphrase (by its
// hash: the cache never holds a passphrase).
import { createHash } from 'node:crypto';
import { type OpenKeyResult, type ParsedPki, parsePki } from '../pki';
import type { FileStat } from './ports';

const MAX_FILES = 256;

/** How a secret enters a cache key: hashed, so that no cache holds it. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface Entry {
  size: number;
  mtimeMs: number;
  parsed: Promise<ParsedPki>;
}

export class PkiCache {
  private readonly files = new Map<string, Entry>();
  private readonly keys = new WeakMap<ParsedPki, Map<string, OpenKeyResult>>();

  parsed(path: string, stat: FileStat, read: () => Promise<Uint8Array>): Promise<ParsedPki> {
    const entry = this.files.get(path);
    if (entry && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs) {
      // Refresh its place: the map's order is the eviction order.
      this.files.delete(path);
      this.files.set(path, entry);
      return entry.parsed;
    }
    const parsed = read().then(parsePki);
    parsed.catch(() => this.files.delete(path)); // a failed read is not cached
    this.files.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, parsed });
    if (this.files.size > MAX_FILES) this.files.delete(this.files.keys().next().value!);
    return parsed;
  }

  opened(parsed: ParsedPki, passphrase: string | undefined, open: () => OpenKeyResult): OpenKeyResult {
    const id = passphrase === undefined ? '' : secretHash(passphrase);
    let byPassphrase = this.keys.get(parsed);
    if (!byPassphrase) this.keys.set(parsed, (byPassphrase = new Map()));
    let result = byPassphrase.get(id);
    if (!result) byPassphrase.set(id, (result = open()));
    return result;
  }
}
