// The plain data the pki module hands out. Nothing here holds key material: private keys stay inside the
// module (see handles.ts), so any of these values can be logged, cached or sent over LSP as they are.
import type { PkiCode } from './codes';
import type { KeyHandle, PkiHandle } from './handles';

/** What the config value expects the file to hold. */
export type ContentRole = 'ca-list' | 'identity-chain' | 'private-key';

export type Encoding = 'pem' | 'der' | 'pkcs12' | 'unknown';

export type KeyType = 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'other';

export interface CertInfo {
  /** Relative distinguished names in certificate order, e.g. "CN=Server, O=Example". */
  readonly subject: string;
  readonly subjectCN?: string;
  readonly issuer: string;
  readonly issuerCN?: string;
  /** Upper-case hex. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The first validity time not in RFC 5280's form (an offset, fractional seconds), as written: OpenSSL 1.0.2p and later refuse it. */
  readonly laxTime?: { readonly field: 'notBefore' | 'notAfter'; readonly written: string };
  /** Colon-separated upper-case hex. */
  readonly sha256: string;
  readonly sha1: string;
  /** 'RSA 2048', 'EC P-256', 'Ed25519'. */
  readonly publicKey: string;
  readonly keyType: KeyType;
  readonly keyBits?: number;
  /** OpenSSL's name ('sha256WithRSAEncryption', 'ecdsa-with-SHA384', 'ED25519'), or the OID when unknown. */
  readonly signatureAlgorithm: string;
  readonly signatureOid: string;
  /** X.509 version, 1 to 3. */
  readonly version: number;
  /** A CA as OpenSSL's X509_check_ca sees it: basicConstraints CA:TRUE, or a self-signed v1 certificate. */
  readonly isCA: boolean;
  /** An EC key whose curve is spelled out instead of named: OpenSSL 3 refuses to verify a chain holding one. */
  readonly explicitCurve: boolean;
  readonly pathLength?: number;
  /** keyUsage bits by name ('digitalSignature', 'keyCertSign', ...); absent when the extension is. */
  readonly keyUsage?: string[];
  /** As OpenSSL prints them: 'DNS:localhost', 'IP Address:127.0.0.1'. */
  readonly subjectAltNames: string[];
  /** How many names the certificate has; subjectAltNames keeps the first MAX_KEPT_NAMES. */
  readonly subjectAltNameCount: number;
  /** Subject and issuer are the same name. */
  readonly selfIssued: boolean;
  /** Self-issued and its signature verifies with its own key: a root. */
  readonly selfSigned: boolean;
}

export type KeyFormat = 'pkcs8' | 'pkcs8-encrypted' | 'pkcs1' | 'sec1' | 'traditional' | 'traditional-encrypted' | 'pkcs12' | 'der';

export interface KeyInfo {
  /** Unknown while the key is locked, unless its PEM label names it ('RSA PRIVATE KEY'). */
  readonly keyType?: KeyType;
  /** 'RSA 2048', 'EC P-256', 'Ed25519', or 'encrypted key' while locked. */
  readonly description: string;
  readonly encrypted: boolean;
  readonly format: KeyFormat;
}

export interface FramingNote {
  readonly block: number;
  readonly label: string;
  readonly line: number;
  readonly kind: 'after-bom' | 'trusted-label';
  /** For 'trusted-label': the certificate's index in `certificates`. */
  readonly certificate?: number;
}

/** A PEM block that should hold a certificate or key but does not parse (numbered from 1, lines from 1). */
export interface BlockProblem {
  readonly block: number;
  readonly label: string;
  readonly line: number;
  readonly reason: string;
  /** BEGIN text OpenSSL does not take for a block: it skips it and reads on (any other problem stops its CA-file reader). */
  readonly stray?: boolean;
}

export interface PkiFinding {
  readonly code: PkiCode;
  readonly message: string;
  /** Index into ParsedPki.certificates when the finding is about one certificate. */
  readonly certIndex?: number;
  readonly data?: Record<string, unknown>;
}

/** Everything found in one file, read without a passphrase. Depends only on the bytes, so cache it freely. */
export interface ParsedPki {
  /** 'pem' when the file has at least one BEGIN line; 'unknown' when it is neither PEM, DER nor PKCS#12. */
  readonly encoding: Encoding;
  /** Why an 'unknown' file is not recognized. */
  readonly unrecognized?: 'empty' | 'text' | 'binary';
  /** In file order. Those inside a PKCS#12 file appear only once it is opened (openKey). */
  readonly certificates: readonly CertInfo[];
  /** In file order; encrypted keys are listed locked. Empty for PKCS#12 until opened. */
  readonly keys: readonly KeyInfo[];
  /** PEM blocks that should be certificates or keys and do not parse. */
  readonly problems: readonly BlockProblem[];
  /** Labels of well-formed PEM blocks that are neither, e.g. 'CERTIFICATE REQUEST' (OpenSSL skips them). */
  readonly otherBlocks: readonly string[];
  /**
   * Certificate and key blocks read here, as OpenSSL 3 reads them, that OpenSSL 1.0.2 or 1.1.1 read
   * differently (decode.ts): 'after-bom', a byte-order mark before the BEGIN line, which 1.0.2 and 1.1.1 do
   * not drop (they skip the block); and 'trusted-label', a TRUSTED CERTIFICATE block, which every OpenSSL's
   * chain reader takes only as the first certificate (PEM_read_bio_X509 skips it after that).
   */
  readonly framing: readonly FramingNote[];
  /** Opaque: pass the whole ParsedPki back to openKey and keyMatches. */
  readonly handle: PkiHandle;
}

export type OpenKeyFailure = 'no-key' | 'encrypted-no-passphrase' | 'passphrase-wrong' | 'unrecognized' | 'too-costly' | 'unsupported-algorithm';

/**
 * Why a key cannot be opened whatever the passphrase: its encryption is one OpenSSL refuses. `refusedFrom`
 * is the first OpenSSL generation the EMS bundles that refuses it: '3.0' for what OpenSSL 3 keeps in its
 * legacy provider (PBES1, RC2, RC4, single DES, Blowfish, CAST5, IDEA, SEED), which OpenSSL 1.0.2 and 1.1.1
 * open; 'every' for an algorithm OpenSSL 3 does not know at all.
 */
export interface UnsupportedAlgorithm {
  /** OpenSSL's name ('pbeWithMD5AndDES-CBC', 'DES-CBC', 'pbeWithSHA1And40BitRC2-CBC'), else the OID. */
  readonly algorithm: string;
  readonly refusedFrom: '3.0' | 'every';
}

/** Why a key was not tried: its key derivation asks for more work than the bound (pki/kdf.ts). */
export interface KdfRefusal {
  readonly what: string;
  readonly asked: number;
  readonly bound: number;
}

export type OpenKeyResult =
  | {
      readonly ok: true;
      readonly key: KeyInfo;
      readonly handle: KeyHandle;
      /** The file's contents with the key unlocked; for PKCS#12, also its certificates (the key's own first). */
      readonly contents: ParsedPki;
    }
  | {
      readonly ok: false;
      readonly reason: OpenKeyFailure;
      readonly refusal?: KdfRefusal;
      /** With 'unsupported-algorithm'; `passphraseChecked` when the passphrase was proven right first (a PKCS#12 MAC). */
      readonly unsupported?: UnsupportedAlgorithm & { readonly passphraseChecked: boolean };
    };
