// PKCS#12 (.p12/.pfx) through node-forge, the one format Node's crypto cannot open. Forge decrypts; the
// key and certificates are handed to Node as DER, so EC and Ed25519 contents work although forge's own
// key and certificate objects are RSA-only.
import { createPrivateKey, createPublicKey, type X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { readDer } from './asn1';
import type { CertificateMemo } from './certificate';
import { describeKey, type OpenedKey } from './key';
import type { CertInfo } from './types';

export type Pkcs12Result =
  | { ok: true; key?: OpenedKey; certificates: { certificate: X509Certificate; info: CertInfo }[] }
  | { ok: false; reason: 'passphrase-wrong' | 'unrecognized' };

function toBuffer(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

function decrypt(der: Buffer, passphrase: string): forge.pkcs12.Pkcs12Pfx | 'passphrase-wrong' | 'unrecognized' {
  const asn1 = readDer(der);
  if (!asn1) return 'unrecognized';
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, true, passphrase);
  } catch (error) {
    // Forge says "Invalid password?" for a MAC mismatch and "wrong password?" for a key bag it cannot decrypt.
    return /password/i.test(String((error as Error | null)?.message)) ? 'passphrase-wrong' : 'unrecognized';
  }
}

/** Opens a PKCS#12 file. The certificate that matches the key comes first, then the rest in file order. */
export function openPkcs12(der: Buffer, passphrase: string, memo: CertificateMemo): Pkcs12Result {
  const pfx = decrypt(der, passphrase);
  if (typeof pfx === 'string') return { ok: false, reason: pfx };
  try {
    const bags = pfx.safeContents.flatMap((contents) => contents.safeBags);
    const keyBag = bags.find((bag) => bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag);
    const privateKey = keyBag
      ? createPrivateKey({ key: toBuffer(keyBag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1), format: 'der', type: 'pkcs8' })
      : undefined;
    const certificates = bags
      .filter((bag) => bag.type === forge.pki.oids.certBag)
      .map((bag) => memo.read(toBuffer(bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1)))
      .filter((read) => read !== undefined);
    if (!privateKey) return { ok: true, certificates };
    const matches = (entry: { certificate: X509Certificate }): number => Number(entry.certificate.checkPrivateKey(privateKey));
    certificates.sort((a, b) => matches(b) - matches(a));
    const { keyType, description } = describeKey(privateKey);
    const encrypted = keyBag?.type === forge.pki.oids.pkcs8ShroudedKeyBag;
    const key = { info: { keyType, description, encrypted, format: 'pkcs12' as const }, publicKey: createPublicKey(privateKey) };
    return { ok: true, key, certificates };
  } catch {
    return { ok: false, reason: 'unrecognized' };
  }
}
