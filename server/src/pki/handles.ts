// Opaque handles. Callers hold and pass them back; what they stand for lives in WeakMaps here, so a handle
// prints as {} and serialises to {} — no key bytes can leak through logs, caches or JSON.
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { CertificateMemo } from './certificate';

/** How to open one private key later, when the passphrase is known. Secret: never leaves the module. */
export type KeySource =
  | { readonly kind: 'open'; readonly publicKey: KeyObject }
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'der'; readonly der: Buffer };

export interface Contents {
  readonly certificates: readonly X509Certificate[];
  readonly keys: readonly KeySource[];
  readonly pkcs12?: Buffer;
  /** The memo the file was read with: opening and judging it read and verify through the same one. */
  readonly memo: CertificateMemo;
}

/** Stands for the certificates and keys of one parsed file. */
export class PkiHandle {
  private constructor() {}
  static of(contents: Contents): PkiHandle {
    const handle = new PkiHandle();
    pkiContents.set(handle, contents);
    return handle;
  }
}

/** Stands for an opened private key. Only its public half is kept, which is all key matching needs. */
export class KeyHandle {
  private constructor() {}
  static of(publicKey: KeyObject): KeyHandle {
    const handle = new KeyHandle();
    publicKeys.set(handle, publicKey);
    return handle;
  }
}

const pkiContents = new WeakMap<PkiHandle, Contents>();
const publicKeys = new WeakMap<KeyHandle, KeyObject>();

export function contentsOf(handle: PkiHandle): Contents {
  return pkiContents.get(handle)!; // every handle is made by PkiHandle.of
}

export function publicKeyOf(handle: KeyHandle): KeyObject | undefined {
  return publicKeys.get(handle);
}
