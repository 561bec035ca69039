// Certificates and keys: bytes in, plain facts and findings out. No LSP, no file IO, no clock (now is given).
//
//   parsePki(bytes, memo?): ParsedPki — memo: a CertificateMemo shared across files (certificates by DER)
//     Everything readable without a passphrase: PEM (any blocks, any order, text around them), DER
//     certificate or key, or PKCS#12 (detected; its contents need the passphrase). Never throws.
//     Depends only on the bytes: cache it by path + size + mtime.
//   judge(parsed, role, { label, now, expiryWarningDays }): PkiFinding[]
//     unrecognized-content, wrong-content-kind, private-key-exposed, der-encoded, cert-expired,
//     cert-not-yet-valid, cert-expiring-soon, weak-signature, signature-not-listed, weak-key, not-a-ca,
//     chain-order, ec-explicit-parameters — for what the EMS uses from a file in that role.
//   chainIncompleteFinding(parsed, label, caLists): chain-incomplete or undefined — an identity chain whose
//     top is not a root and whose issuer is in neither the file nor the CA lists.
//   openKey(parsed, passphrase): { ok: true, key, handle, contents } | { ok: false, reason }
//     Unlocks the first private key (PEM, DER or PKCS#12); '' counts as no passphrase. For PKCS#12,
//     `contents` also lists its certificates, the key's own first.
//   openKeyFinding(parsed, result, label): key-encrypted-no-passphrase, key-passphrase-wrong,
//     key-algorithm-unsupported (data: { algorithm, refusedFrom: '3.0' | 'every', passphraseChecked }),
//     key-not-tried, or the PKCS#12 problems judge cannot see before opening; undefined when there is
//     nothing new to say.
//   certificateNeeds(certificate), keyNeeds(parsed, key): what a file needs of OpenSSL beyond 1.0.2 (EdDSA:
//     1.1.1; scrypt-encrypted PKCS#8: 1.1.0), for the service to hold against the target release's OpenSSL.
//   validityAt(certificate, now): 'not-yet-valid' | 'valid' | 'expired' — OpenSSL's rule, notBefore <= now < notAfter.
//   keyMatches(parsed, keyHandle, certIndex = 0): boolean — same public key (SPKI DER), any key type.
//   keyMismatchFinding({ parsed, label, certIndex? }, { handle, label }): key-mismatch or undefined.
//
// Choices:
//   - private-key-exposed only for a CA list. A key in an identity-chain file (a cert+key bundle) is
//     not reported: such a bundle is often named by both http_server settings, and it is never sent anywhere.
//   - A self-signed certificate gets no signature verdict (weak-signature, signature-not-listed): TLS never
//     verifies a trust anchor's own signature (OpenSSL skips it), so a SHA-1 root is harmless.
//   - In the private-key role only the key is judged; certificates bundled with it are judged where the
//     certificate setting names them.
//   - der-encoded is about certificates; a DER key gets no finding.
//   - A self-signed v1 certificate is a CA (isCA), as OpenSSL's X509_check_ca has it: a valid trust anchor.
//   - Sizes are OpenSSL's: an EC key's bits are its group order's, for every curve OpenSSL knows and for
//     explicit parameters; weak-key reads them.
//   - An encryption OpenSSL 3 keeps in its legacy provider (pki/legacy.ts) is refused before anything is
//     tried, as OpenSSL 3 refuses it whatever the passphrase (a PKCS#12 MAC is checked first, as OpenSSL does).
//
// Nothing returned holds key material: keys are kept in WeakMaps behind the opaque handles, only their
// public halves once opened, and parser exception messages are never passed on.
export type { BlockProblem, CertInfo, FramingNote, ContentRole, Encoding, KeyFormat, KeyInfo, KeyType, OpenKeyFailure, OpenKeyResult, ParsedPki, PkiFinding, UnsupportedAlgorithm } from './types';
export type { KeyHandle, PkiHandle } from './handles';
export type { JudgeOptions } from './judge';
export { judge, keyMismatchFinding, openKeyFinding, validityAt, validityChangesAt } from './judge';
export { certificateNeeds, keyNeeds, type OpensslNeed } from './capabilities';
export { certificatesOf, chainIncompleteFinding } from './chain';
export { keyMatches, openKey, parsePki } from './parse';
export { isBase64 } from './decode';
export { CertificateMemo } from './certificate';
export { PKI_CODES, type PkiCode } from './codes';

