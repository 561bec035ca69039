// Certificate and key verdicts that depend on which OpenSSL the target release bundles (../openssl.ts):
// the pki module says what OpenSSL 3 does; this says what the target's own OpenSSL does, and how sure that is.
// The last three functions add the findings only this module can give to the file checks' sink.
import * as path from 'node:path';
import { certificateNeeds, type ContentRole, type KeyInfo, keyNeeds, type OpensslNeed, type ParsedPki, type PkiFinding } from '../../pki';
import { quote } from '../../util/text';
import { bundledOpenssl, type OpensslSeries, seriesAtLeast } from '../openssl';
import type { Severity } from '../codes';
import { formatVersion, type Version } from '../version';
import type { FileReference, FilesContext } from './files';
import type { Visit } from './shape';

export interface ReleaseVerdict {
  readonly message: string;
  /** Instead of the code's default; undefined keeps it. */
  readonly severity?: Severity;
}

function bundles(version: Version): string | undefined {
  const openssl = bundledOpenssl(version);
  return openssl && `EMS ${formatVersion(version)} bundles OpenSSL ${openssl.version} (${openssl.source})`;
}

/** A pki finding as the target release's OpenSSL would have it. */
export function forRelease(finding: PkiFinding, role: ContentRole, version: Version): ReleaseVerdict {
  const { message } = finding;
  const openssl = bundledOpenssl(version);
  const release = bundles(version);
  switch (finding.code) {
    case 'key-algorithm-unsupported': {
      // One OpenSSL does not know fails everywhere; one only OpenSSL 3 refuses opens on 1.0.2 and 1.1.1.
      if (finding.data?.['refusedFrom'] === 'every') return { message, severity: 'error' };
      if (!openssl) return { message: `${message} Which OpenSSL EMS ${formatVersion(version)} bundles is not known; on OpenSSL 3 it fails.` };
      return openssl.series === '3'
        ? { message: `${message} ${release}: it opens this key only if the EMS loads OpenSSL's legacy provider.` }
        : { message: `${message} ${release}, which opens it; an EMS on OpenSSL 3 (5.5.0 and later) will not: re-encrypt it with AES before upgrading.` };
    }
    case 'ec-explicit-parameters': {
      // In a CA list it is the EMS's own OpenSSL that verifies; in an identity chain, the peer's TLS library.
      if (role !== 'ca-list' || !openssl) return { message };
      return openssl.series === '3'
        ? { message: `${message} ${release}: it refuses every platform certificate whose chain runs through this one.`, severity: 'error' }
        : { message: `${message} ${release}, which accepts it (1.1.1h and later refuse it only in strict mode, error 79; OpenSSL 3 by default); an EMS on OpenSSL 3 (5.5.0 and later) will not.` };
    }
    case 'cert-time-format':
      // 1.0.2l (5.4.0–5.4.4) still compared such times; 1.0.2p made X509_cmp_time strict (recorded on both).
      if (openssl?.version === '1.0.2l') return { message: `${message} ${release}, which still accepts it; 5.4.5 and later do not.`, severity: 'warning' };
      return openssl ? { message: `${message} ${release}.` } : { message };
    case 'weak-signature':
    case 'weak-key':
      return securityLevel(finding, openssl, release);
    default:
      return { message };
  }
}

/**
 * OpenSSL's security level 1, the default since 1.1.0 (SSL_CTX_set_security_level(3)), refuses in TLS — for
 * the EMS's own certificate when it loads it and for every certificate of a peer's chain but its trust
 * anchor — MD5 signatures and RSA keys under 1024 bits (ECC under 160) from 1.1.0 ("ca md too weak", "ee key
 * too small"; verify errors 68 and 66), and SHA-1 signatures from 3.0 (3.0's CHANGES: "X509 certificates
 * signed using SHA1 are no longer allowed at security level 1 and above"). 1.0.2 has no levels. Tested on
 * 1.0.2l/q/r, 1.1.1c/j and 3.0 builds; an EMS that lowers the level in cipher_suite (@SECLEVEL=0) is not seen here.
 */
function securityLevel(finding: PkiFinding, openssl: ReturnType<typeof bundledOpenssl>, release: string | undefined): ReleaseVerdict {
  const { message, data } = finding;
  if (!openssl) return { message };
  const hash = data?.['hash'];
  const bits = Number(data?.['keyBits']);
  const refusedFrom: OpensslSeries | undefined = finding.code === 'weak-signature'
    ? (hash === 'MD5' || hash === 'MD2' ? '1.1.1' : hash === 'SHA-1' ? '3' : undefined)
    : (data?.['keyType'] === 'rsa' && bits < 1024) || (data?.['keyType'] === 'ec' && bits < 160) ? '1.1.1' : undefined;
  if (!refusedFrom) return { message };
  const why = finding.code === 'weak-signature' ? '"CA signature digest algorithm too weak", error 68' : '"EE certificate key too weak", error 66';
  if (seriesAtLeast(openssl.series, refusedFrom)) {
    return { message: `${message} ${release}, which refuses it in TLS at its default security level 1 (${why}).`, severity: 'error' };
  }
  return { message: `${message} ${release}, which still accepts it; OpenSSL ${refusedFrom === '3' ? '3 (EMS 5.5.0 and later)' : '1.1.0 and later (EMS 5.4.7 and later)'} refuses it (${why}).` };
}

/**
 * release-openssl-unsupported: the file needs an OpenSSL newer than the target's. Only for a release whose
 * OpenSSL is known; `what` names the thing ("Certificate "x" in ca.pem", "The private key in key.pem").
 */
function unsupportedByRelease(need: OpensslNeed, what: string, version: Version): string | undefined {
  // Every need is met from 1.1.1 on; 1.0.2 is the only generation that lacks one.
  if (bundledOpenssl(version)?.series !== '1.0.2') return undefined;
  const fix = need.feature.startsWith('scrypt') ? 're-encrypt the key with PBKDF2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)'
    : need.feature.includes('passphrase') ? 'export the file again with an ASCII passphrase' : 'use an RSA or EC P-256 key';
  return `${what} uses ${need.feature}, which OpenSSL has only since ${need.since}; ${bundles(version)}, which cannot use it. Either ${fix}, or run EMS 5.4.7 or later (OpenSSL 1.1.1).`;
}

/**
 * unrecognized-content for PEM blocks OpenSSL 3 reads and the target's older OpenSSL does not (pki
 * FramingNote): a byte-order mark before a BEGIN line, which 1.0.2 and 1.1.1 do not drop (the BOM fix of
 * pem_lib.c, openssl#10112, is 3.0's), so they do not see the BEGIN line and skip the block (1.0.2l/q/r and
 * 1.1.1c/j builds: `openssl crl2pkcs7 -certfile` reads no certificate from it).
 */
function framingFindings(parsed: ParsedPki, label: string, version: Version): string[] {
  const openssl = bundledOpenssl(version);
  if (!openssl || openssl.series === '3') return [];
  return parsed.framing.filter((note) => note.kind === 'after-bom').map((note) => `${label}: PEM block ${note.block} (${note.label}, line ${note.line}) follows a byte-order mark (EF BB BF), which ${bundles(version)} does not drop: it does not see the BEGIN line and skips the block (OpenSSL 3 drops the mark). Save the file without a BOM (UTF-8 without signature, or ASCII).`);
}

/** release-openssl-unsupported for the first certificate the target's OpenSSL cannot use (the rest would say the same). */
export function certificatesForRelease(visit: Visit, reference: FileReference, parsed: ParsedPki, context: FilesContext): void {
  for (const certificate of parsed.certificates) {
    const need = certificateNeeds(certificate);
    const message = need && unsupportedByRelease(need, `Certificate ${quote(certificate.subjectCN ?? certificate.subject)} in ${path.basename(reference.resolved!)}`, context.version);
    if (!message) continue;
    context.sink.add('release-openssl-unsupported', message, visit.node, reference.pointer, { feature: need!.feature, since: need!.since });
    return;
  }
}

/** unrecognized-content for PEM blocks the target's older OpenSSL reads otherwise than OpenSSL 3 (releaseOpenssl.ts). */
export function framingForRelease(visit: Visit, reference: FileReference, parsed: ParsedPki, context: FilesContext): void {
  for (const message of framingFindings(parsed, path.basename(reference.resolved!), context.version)) {
    context.sink.add('unrecognized-content', message, visit.node, reference.pointer, { release: formatVersion(context.version) });
  }
}

/** release-openssl-unsupported for a key the target's OpenSSL cannot use, once it is open. */
export function keyForRelease(visit: Visit, reference: FileReference, parsed: ParsedPki, key: KeyInfo, label: string, passphrase: string | undefined, context: FilesContext): void {
  // It opened here with the passphrase as UTF-8 (BMPString), as OpenSSL 1.1.0 and later encode it; 1.0.2
  // takes each byte for a character, so a non-ASCII passphrase fails there (tested on 1.0.2l/q/r builds).
  const nonAscii = parsed.encoding === 'pkcs12' && passphrase !== undefined && /[^\x00-\x7f]/.test(passphrase);
  const need = keyNeeds(parsed, key) ?? (nonAscii ? { feature: 'a non-ASCII PKCS#12 passphrase, encoded as UTF-8 (OpenSSL 1.0.2 encodes it byte by byte: "mac verify failure")', since: '1.1.0' as const } : undefined);
  const message = need && unsupportedByRelease(need, `The private key in ${label}`, context.version);
  if (message) context.sink.add('release-openssl-unsupported', message, visit.node, reference.pointer, { feature: need!.feature, since: need!.since });
}
