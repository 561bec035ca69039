// Certificates and keys are parsed once per content, not per keystroke or per copy: a file is kept by path
// while its size and mtime stay the same, so an unchanged file is not even read; a file read anew is looked
// up by a hash of its bytes, so the copies a fleet of EMS homes carries (the same CA list, the same chain in
// every image) and a file saved without a change are parsed once. A parse is a pure function of the bytes.
// An opened key is kept per parse and per passphrase (by its hash: the cache never holds a passphrase).
import { createHash } from 'node:crypto';
import { CertificateMemo, type OpenKeyResult, type ParsedPki, parsePki } from '../../pki';
import { Recent } from '../../util/recent';
import type { FileStat } from '../ports';

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
  private readonly files = new Recent<Entry>(MAX_FILES);
  private readonly contents = new Recent<ParsedPki>(MAX_FILES);
  private readonly keys = new WeakMap<ParsedPki, Map<string, OpenKeyResult>>();
  /** Certificates by DER and signature checks, shared by every file this cache parses. */
  private readonly certificates = new CertificateMemo();

  parsed(path: string, stat: FileStat, read: () => Promise<Uint8Array>): Promise<ParsedPki> {
    const entry = this.files.use(path);
    if (entry && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs) return entry.parsed;
    const parsed = read().then((bytes) => this.byContent(bytes));
    parsed.catch(() => this.files.delete(path)); // a failed read is not cached
    this.files.keep(path, { size: stat.size, mtimeMs: stat.mtimeMs, parsed });
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

  private byContent(bytes: Uint8Array): ParsedPki {
    const digest = createHash('sha256').update(bytes).digest('base64');
    return this.contents.use(digest) ?? this.contents.keep(digest, parsePki(bytes, this.certificates));
  }
}
