// parsePki: bytes to plain facts plus an opaque handle. openKey: the first private key (what OpenSSL's
// PEM_read_PrivateKey takes), unlocked with the configured passphrase. keyMatches: does it fit a certificate.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { firstValueLength, looksLikePkcs12 } from './asn1';
import { CertificateMemo } from './certificate';
import { kdfRefusal } from './kdf';
import { pemCipher, pemLegacyAlgorithm, pkcs12LegacyAlgorithm, pkcs8AlgorithmName, pkcs8LegacyAlgorithm } from './legacy';
import { asText, hasPemBlock, MAX_PEM_BLOCKS, pemBlocks, type PemBlock } from './decode';
import { contentsOf, KeyHandle, PkiHandle, publicKeyOf, type KeySource } from './handles';
import { isEncryptedPkcs8, readDerKey, readPemKey, unlockKey } from './key';
import { openPkcs12 } from './pkcs12';
import type { BlockProblem, CertInfo, FramingNote, KeyFormat, KeyInfo, KeyType, OpenKeyResult, ParsedPki, UnsupportedAlgorithm } from './types';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

const KEY_LABELS: Record<string, { format: KeyFormat; keyType?: KeyType }> = {
  'PRIVATE KEY': { format: 'pkcs8' },
  'ENCRYPTED PRIVATE KEY': { format: 'pkcs8-encrypted' },
  'RSA PRIVATE KEY': { format: 'pkcs1', keyType: 'rsa' },
  'EC PRIVATE KEY': { format: 'sec1', keyType: 'ec' },
  'DSA PRIVATE KEY': { format: 'traditional', keyType: 'dsa' },
};

// Gathers what one file holds: the plain facts go into ParsedPki, the X509Certificates and key sources
// behind its handle, index for index.
class Collector {
  constructor(readonly memo: CertificateMemo) {}

  readonly certificates: CertInfo[] = [];
  readonly keys: KeyInfo[] = [];
  readonly problems: BlockProblem[] = [];
  readonly otherBlocks: string[] = [];
  readonly framing: FramingNote[] = [];
  readonly x509: X509Certificate[] = [];
  readonly keySources: KeySource[] = [];

  certificate(read: { certificate: X509Certificate; info: CertInfo }): void {
    this.certificates.push(read.info);
    this.x509.push(read.certificate);
  }

  key(info: KeyInfo, source: KeySource): void {
    this.keys.push(info);
    this.keySources.push(source);
  }

  result(encoding: ParsedPki['encoding'], extra: { unrecognized?: ParsedPki['unrecognized']; pkcs12?: Buffer } = {}): ParsedPki {
    const { certificates, keys, problems, otherBlocks, framing } = this;
    const handle = PkiHandle.of({ certificates: this.x509, keys: this.keySources, pkcs12: extra.pkcs12, memo: this.memo });
    return { encoding, ...(extra.unrecognized ? { unrecognized: extra.unrecognized } : {}), certificates, keys, problems, otherBlocks, framing, handle };
  }
}

function problem(block: PemBlock, reason: string): BlockProblem {
  return { block: block.index, label: block.label, line: block.line, reason, ...(block.stray ? { stray: true } : {}) };
}

function pemCertificate(block: PemBlock, der: Buffer, into: Collector): void {
  // A TRUSTED CERTIFICATE body is the certificate followed by OpenSSL's trust settings.
  const length = block.label === 'TRUSTED CERTIFICATE' ? firstValueLength(der) : der.length;
  const read = length === undefined ? undefined : into.memo.read(der.subarray(0, length));
  if (read) into.certificate(read);
  else into.problems.push(problem(block, 'is not a valid certificate'));
}

function pemKey(block: PemBlock, der: Buffer, into: Collector): void {
  const known = KEY_LABELS[block.label];
  // Proc-Type: 4,ENCRYPTED and DEK-Info, as OpenSSL's PEM_get_EVP_CIPHER_INFO wants them (decode.ts).
  const traditionalEncrypted = block.encrypted;
  if (known?.format === 'pkcs8-encrypted' || traditionalEncrypted) {
    // Without the passphrase only the wrapping can be checked: Node must see a well-formed encrypted key.
    const wellFormed = traditionalEncrypted ? block.headers['DEK-Info'] !== undefined : isEncryptedPkcs8(der);
    const format = traditionalEncrypted ? 'traditional-encrypted' : 'pkcs8-encrypted';
    // PKCS#8 opens from its DER (faster in OpenSSL 3.0); the traditional encryption exists only in PEM.
    const source: KeySource = traditionalEncrypted ? { kind: 'pem', pem: block.text } : { kind: 'der', der };
    if (wellFormed) into.key({ keyType: known?.keyType, description: 'encrypted key', encrypted: true, format }, source);
    else into.problems.push(problem(block, 'is not a valid encrypted private key'));
    return;
  }
  const read = readPemKey({ text: block.text, der }, known?.format ?? 'traditional');
  if (read) into.key(read.info, { kind: 'open', publicKey: read.publicKey });
  else into.problems.push(problem(block, known ? 'is not a valid private key' : 'is a private key format TLS libraries do not read'));
}

function noteFraming(block: PemBlock, into: Collector): void {
  const at = { block: block.index, label: block.label, line: block.line };
  if (block.afterBom) into.framing.push({ ...at, kind: 'after-bom' });
  if (block.label === 'TRUSTED CERTIFICATE' && into.certificates.length > 0) into.framing.push({ ...at, kind: 'trusted-label', certificate: into.certificates.length - 1 });
}

function parsePem(text: string, memo: CertificateMemo): ParsedPki {
  const into = new Collector(memo);
  const { blocks, truncated } = pemBlocks(text);
  for (const block of blocks) {
    const isCertificate = CERTIFICATE_LABELS.has(block.label);
    const isKey = block.label.endsWith('PRIVATE KEY');
    // A block OpenSSL does not see as one (BEGIN text it skips) matters only where a certificate or key was
    // meant; a block it sees and cannot read breaks its reading whatever the label.
    if (block.fault !== undefined) {
      if (!block.stray || isCertificate || isKey) into.problems.push(problem(block, block.fault));
    } else if (!isCertificate && !isKey) into.otherBlocks.push(block.label);
    else if (block.headerFault !== undefined) into.problems.push(problem(block, block.headerFault));
    else if (isCertificate && block.encrypted) into.problems.push(problem(block, 'is encrypted (Proc-Type: 4,ENCRYPTED); OpenSSL reads no certificate from it without a passphrase'));
    else {
      const before = into.certificates.length + into.keys.length;
      if (isCertificate) pemCertificate(block, block.der!, into);
      else pemKey(block, block.der!, into);
      // Only for a block OpenSSL 3 reads: where it reads nothing, the older ones do not either.
      if (into.certificates.length + into.keys.length > before) noteFraming(block, into);
    }
  }
  if (truncated) {
    into.problems.push({ block: MAX_PEM_BLOCKS + 1, label: 'more blocks', line: blocks.at(-1)!.line,
      reason: `follows: the file has more than ${MAX_PEM_BLOCKS.toLocaleString('en-US')} PEM blocks, far more than any certificate bundle; the rest are not read` });
  }
  return into.result('pem');
}

function parseDer(der: Buffer, memo: CertificateMemo): ParsedPki | undefined {
  const into = new Collector(memo);
  const certificate = memo.read(der);
  if (certificate) {
    into.certificate(certificate);
    return into.result('der');
  }
  if (looksLikePkcs12(der)) return into.result('pkcs12', { pkcs12: der });
  const key = readDerKey(der);
  if (!key) return undefined;
  into.key(key.info, key.publicKey ? { kind: 'open', publicKey: key.publicKey } : { kind: 'der', der });
  return into.result('der');
}

/** Reads certificates and keys from a file's bytes. Never throws: what it cannot read it reports. */
export function parsePki(bytes: Uint8Array, memo = new CertificateMemo()): ParsedPki {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = asText(buffer);
  if (hasPemBlock(text)) return parsePem(text, memo);
  // A copy: the handle may keep the bytes (PKCS#12), and the caller's buffer is theirs to reuse.
  const der = buffer[0] === 0x30 ? parseDer(Buffer.from(buffer), memo) : undefined;
  if (der) return der;
  const unrecognized = text.trim() === '' ? 'empty' : /^[\t\n\r\x20-\x7e]*$/.test(text) ? 'text' : 'binary';
  return new Collector(memo).result('unknown', { unrecognized });
}

/**
 * Unlocks the file's first private key (PEM, DER or PKCS#12) with the configured passphrase. An empty
 * passphrase counts as none. A passphrase given for an unencrypted key is ignored, as OpenSSL does.
 */
export function openKey(parsed: ParsedPki, passphrase: string | undefined): OpenKeyResult {
  const contents = contentsOf(parsed.handle);
  if (contents.pkcs12) return openPkcs12File(parsed, contents.pkcs12, passphrase, contents.memo);
  const info = parsed.keys[0];
  const source = contents.keys[0];
  if (!info || !source) return { ok: false, reason: 'no-key' };
  if (source.kind === 'open') return opened(parsed, info, source.publicKey);
  if (!passphrase) return { ok: false, reason: 'encrypted-no-passphrase' };
  // Read what the derivation costs before paying for it (a traditional PEM key derives with one MD5 round).
  const refusal = source.kind === 'der' ? kdfRefusal(source.der, false) : undefined;
  if (refusal) return { ok: false, reason: 'too-costly', refusal };
  // An encryption OpenSSL 3 keeps in its legacy provider fails there whatever the passphrase: not tried, so
  // the verdict is OpenSSL 3's even in a Node started with --openssl-legacy-provider.
  const legacy = source.kind === 'der' ? pkcs8LegacyAlgorithm(source.der) : pemLegacyAlgorithm(source.pem);
  if (legacy) return unsupported(legacy, false);
  const unlocked = unlockKey(source, passphrase, info);
  if (unlocked === 'unsupported') {
    // Refused by OpenSSL 3 although none of the legacy provider's algorithms: one OpenSSL does not know.
    const algorithm = source.kind === 'der' ? pkcs8AlgorithmName(source.der) : pemCipher(source.pem) ?? 'an unknown cipher';
    return unsupported({ algorithm, refusedFrom: 'every' }, false);
  }
  return unlocked === 'wrong' ? { ok: false, reason: 'passphrase-wrong' } : opened(parsed, unlocked.info, unlocked.publicKey);
}

function unsupported(algorithm: UnsupportedAlgorithm, passphraseChecked: boolean): OpenKeyResult {
  return { ok: false, reason: 'unsupported-algorithm', unsupported: { ...algorithm, passphraseChecked } };
}

function opened(parsed: ParsedPki, key: KeyInfo, publicKey: KeyObject): OpenKeyResult {
  const keys = [key, ...parsed.keys.slice(1)];
  return { ok: true, key, handle: KeyHandle.of(publicKey), contents: { ...parsed, keys } };
}

function openPkcs12File(parsed: ParsedPki, der: Buffer, passphrase: string | undefined, memo: CertificateMemo): OpenKeyResult {
  const refusal = kdfRefusal(der, true);
  if (refusal) return { ok: false, reason: 'too-costly', refusal };
  // OpenSSL 3 checks the MAC first (a wrong passphrase says so), then fails on the first legacy algorithm it
  // meets (openPkcs12 stops there too); a file without a MAC fails on it whatever the passphrase.
  const legacy = pkcs12LegacyAlgorithm(der);
  if (legacy && !legacy.mac) return unsupported(legacy.unsupported, false);
  // Many PKCS#12 files use an empty password; with none configured, that is the one to try.
  const result = openPkcs12(der, passphrase ?? '', memo);
  if (!result.ok) {
    if (result.reason === 'passphrase-wrong') return { ok: false, reason: passphrase ? 'passphrase-wrong' : 'encrypted-no-passphrase' };
    if (result.reason === 'unsupported') return unsupported(result.unsupported, result.passphraseChecked);
    return result;
  }
  const certificates = result.certificates;
  if (!result.key) return { ok: false, reason: 'no-key' };
  const handle = PkiHandle.of({ certificates: certificates.map((entry) => entry.certificate), keys: [{ kind: 'open', publicKey: result.key.publicKey }], memo });
  const contents: ParsedPki = { ...parsed, certificates: certificates.map((entry) => entry.info), keys: [result.key.info], handle };
  return { ok: true, key: result.key.info, handle: KeyHandle.of(result.key.publicKey), contents };
}

/**
 * Whether the key belongs to the certificate at `certIndex` (default: the first, the leaf of an identity
 * chain): their public keys are the same. Works for every key type.
 */
export function keyMatches(parsed: ParsedPki, key: KeyHandle, certIndex = 0): boolean {
  const certificate = contentsOf(parsed.handle).certificates[certIndex];
  const publicKey = publicKeyOf(key);
  if (!certificate || !publicKey) return false;
  return samePublicKey(certificate.publicKey, publicKey);
}

// KeyObject.equals on keys of two types (or two curves) leaves an error on OpenSSL's queue that Node does not
// clear, and the next key read then fails: only keys of one kind are compared.
function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
  if (a.asymmetricKeyType === 'ec' && a.asymmetricKeyDetails?.namedCurve !== b.asymmetricKeyDetails?.namedCurve) return false;
  try {
    return a.equals(b);
  } catch {
    return false;
  }
}
