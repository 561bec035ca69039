// The diagnostic catalogue: every code the product can report, with its default severity.
// The names and defaults are the contract (../shared/design/contract.md); docs/diagnostics.md describes each.
import { PKI_CODES } from '../pki/codes';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type Level = Severity | 'off';
export type Category = 'syntax' | 'shape' | 'policy' | 'files' | 'contents' | 'pair';

export interface CodeInfo {
  readonly category: Category;
  readonly severity: Severity;
  /** One line for SARIF rules and the catalogue. */
  readonly summary: string;
}

function contents<T extends Record<string, { severity: Severity; summary: string }>>(codes: T): { [K in keyof T]: T[K] & { category: 'contents' } } {
  return Object.fromEntries(Object.entries(codes).map(([code, info]) => [code, { category: 'contents', ...info }])) as { [K in keyof T]: T[K] & { category: 'contents' } };
}

export const CODES = {
  // Syntax
  'json-syntax': { category: 'syntax', severity: 'error', summary: 'The file is not valid JSON; the EMS falls back to config.json.booted.' },
  'json-comment': { category: 'syntax', severity: 'error', summary: 'A comment; the EMS reads strict JSON.' },
  'json-trailing-comma': { category: 'syntax', severity: 'error', summary: 'A trailing comma in an object or array.' },
  'json-invalid-escape': { category: 'syntax', severity: 'error', summary: 'A backslash escape JSON does not allow, usually a Windows path.' },
  'suspicious-escape': { category: 'syntax', severity: 'warning', summary: 'A legal escape (\\t, \\n, \\r, \\b, \\f) that is almost surely a Windows path separator.' },
  'duplicate-key': { category: 'syntax', severity: 'warning', summary: 'The same key twice in one object.' },
  'lua-syntax': { category: 'syntax', severity: 'error', summary: 'config.lua is not valid Lua 5.1; the LSR cannot load it.' },
  'top-level-not-object': { category: 'syntax', severity: 'error', summary: 'The document is not a JSON object.' },
  // Shape
  'unknown-property': { category: 'shape', severity: 'warning', summary: 'A key the EMS does not read.' },
  'non-canonical-case': { category: 'shape', severity: 'information', summary: 'A key that matches a known one only when case is ignored.' },
  'wrong-type': { category: 'shape', severity: 'error', summary: 'A value of the wrong JSON type.' },
  'invalid-value': { category: 'shape', severity: 'error', summary: 'A value outside the allowed values, range or pattern.' },
  'missing-required': { category: 'shape', severity: 'error', summary: 'A key the EMS cannot start without.' },
  'missing-companion': { category: 'shape', severity: 'error', summary: 'A key that needs another key beside it.' },
  'whitespace-in-value': { category: 'shape', severity: 'warning', summary: 'Leading or trailing blanks in a path or enumerated value.' },
  'removed-property': { category: 'shape', severity: 'warning', summary: 'A key or value the target EMS version no longer reads.' },
  'unsupported-in-version': { category: 'shape', severity: 'warning', summary: 'A key or form the target EMS version does not read yet.' },
  'undocumented-value': { category: 'shape', severity: 'information', summary: 'A value PTC does not document, which the EMS reads anyway; the message says what it does with it.' },
  'ignored-server': { category: 'shape', severity: 'warning', summary: 'A ws_servers entry after the first: from 5.4.0 the EMS never tries it.' },
  'no-trusted-ca': { category: 'shape', severity: 'error', summary: 'TLS with validation on and no cert_chain: EMS 5.3.x trusts no CA and refuses every platform certificate.' },
  'no-effect': { category: 'shape', severity: 'information', summary: 'A setting that the rest of the file makes inert.' },
  'inconsistent-values': { category: 'shape', severity: 'warning', summary: 'Values that contradict each other.' },
  'localhost-ipv6': { category: 'shape', severity: 'information', summary: 'http_server.host "localhost" resolves to ::1; the LSR connects over IPv4.' },
  'findings-capped': { category: 'shape', severity: 'information', summary: 'More findings than the 1,000 a document shows: the rest are counted, not listed.' },
  'not-an-ems-config': { category: 'shape', severity: 'hint', summary: 'A JSON document with none of the EMS top-level keys.' },
  // Security policy
  'validation-disabled': { category: 'policy', severity: 'warning', summary: 'certificates.validate is false.' },
  'self-signed-allowed': { category: 'policy', severity: 'warning', summary: 'certificates.allow_self_signed is true.' },
  'ws-encryption-disabled': { category: 'policy', severity: 'warning', summary: 'ws_connection.encryption is "none".' },
  'http-server-ssl-disabled': { category: 'policy', severity: 'warning', summary: 'http_server.ssl is false.' },
  'http-server-auth-disabled': { category: 'policy', severity: 'warning', summary: 'http_server.authenticate is false.' },
  'hostname-validation-disabled': { category: 'policy', severity: 'warning', summary: 'certificates.disable_hostname_validation is true.' },
  'fips-unsupported': { category: 'policy', severity: 'warning', summary: 'fips.enabled is true for an EMS release without FIPS support.' },
  'plaintext-secret': { category: 'policy', severity: 'information', summary: 'A secret in clear text for an EMS that does not encrypt it itself.' },
  'encrypted-value-malformed': { category: 'policy', severity: 'error', summary: 'An AES: value whose body is not Base64 of whole 16-byte blocks.' },
  'lsr-rap-ssl-disabled': { category: 'policy', severity: 'warning', summary: 'config.lua: the LSR connects to the EMS\'s REST server without TLS (scripts.rap_ssl not true).' },
  'lsr-self-signed-allowed': { category: 'policy', severity: 'warning', summary: 'config.lua: the LSR accepts a self-signed EMS certificate (scripts.rap_deny_selfsigned not true).' },
  'lsr-validation-disabled': { category: 'policy', severity: 'warning', summary: 'config.lua: scripts.rap_validate is false.' },
  'lsr-server-ssl-disabled': { category: 'policy', severity: 'warning', summary: 'config.lua: the LSR\'s HTTP server runs without TLS.' },
  'lsr-server-auth-disabled': { category: 'policy', severity: 'warning', summary: 'config.lua: scripts.script_resource_authenticate is false.' },
  'lsr-password-not-decrypted': { category: 'policy', severity: 'information', summary: 'config.lua: an AES: password the LSR does not decrypt there (only Password(…) does): most likely used as written.' },
  'lsr-ems-mismatch': { category: 'pair', severity: 'warning', summary: 'config.json and the config.lua beside it disagree on how the LSR reaches the EMS (TLS, port, host, authentication).' },
  'lsr-ems-host-loopback': { category: 'pair', severity: 'information', summary: 'One side writes localhost, the other 127.0.0.1: the same machine unless localhost is ::1 there.' },
  'lsr-ca-missing': { category: 'pair', severity: 'error', summary: 'scripts.rap_cert_file does not hold the CA of http_server.certificate: the LSR refuses the EMS.' },
  'lsr-self-signed-refused': { category: 'pair', severity: 'error', summary: 'http_server.certificate is self-signed and scripts.rap_deny_selfsigned is true: the LSR refuses it.' },
  'lsr-auto-bind-mismatch': { category: 'pair', severity: 'warning', summary: 'An auto_bind entry at the LSR\'s own server uses the other protocol than the LSR serves (script_resource_ssl).' },
  'lsr-callback-ca-missing': { category: 'pair', severity: 'warning', summary: 'The EMS\'s edge CA list does not hold the CA of the LSR\'s own certificate chain: the EMS most likely refuses the LSR\'s server.' },
  'lsr-log-directory-shared': { category: 'pair', severity: 'warning', summary: 'The EMS and the LSR publish their logs to the same folder, with the same file names.' },
  'weak-cipher-suite': { category: 'policy', severity: 'warning', summary: 'cipher_suite enables aNULL, eNULL, EXPORT, RC4, MD5 or DES ciphers.' },
  // Files
  'relative-path': { category: 'files', severity: 'information', summary: 'A relative path; the EMS resolves it against its working directory.' },
  'path-not-checkable': { category: 'files', severity: 'information', summary: 'A path for another operating system.' },
  'file-not-found': { category: 'files', severity: 'error', summary: 'Nothing at the resolved path.' },
  'file-unreadable': { category: 'files', severity: 'error', summary: 'The file cannot be read (permission or I/O error).' },
  'not-a-regular-file': { category: 'files', severity: 'error', summary: 'A folder, FIFO, socket or device where a file belongs.' },
  'file-too-large': { category: 'files', severity: 'error', summary: 'Larger than any certificate or key file could be.' },
  'check-incomplete': { category: 'files', severity: 'warning', summary: 'The certificate and key files were not checked: the check ran past its deadline and was stopped.' },
  'file-empty': { category: 'files', severity: 'error', summary: 'The file is empty.' },
  // Contents: the pki module's codes, then those only the service can tell (they need the config or the release).
  ...contents(PKI_CODES),
  'ca-list-no-root': { category: 'contents', severity: 'error', summary: 'A CA list with no root (self-signed) certificate: no platform certificate can chain up to it.' },
  'key-unencrypted': { category: 'contents', severity: 'warning', summary: 'An HTTP server private key without a passphrase.' },
  'passphrase-unverifiable': { category: 'contents', severity: 'information', summary: 'The passphrase is stored encrypted, so it cannot be tried.' },
  'release-openssl-unsupported': { category: 'contents', severity: 'error', summary: 'A key or certificate the target release\'s OpenSSL cannot use (Ed25519, Ed448 and RSA-PSS keys before 1.1.1; scrypt-encrypted keys and non-ASCII PKCS#12 passphrases before 1.1.0).' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export const ALL_CODES = Object.keys(CODES) as Code[];

export function isCode(value: string): value is Code {
  return Object.prototype.hasOwnProperty.call(CODES, value);
}

export const LEVELS: readonly Level[] = ['off', 'hint', 'information', 'warning', 'error'];

export function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}
