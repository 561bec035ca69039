// TLS 1.3 encrypts the handshake after the ServerHello, so whether the server asked for a client certificate,
// and whether one went out, can be seen only inside it. With the session's handshake traffic secrets (Node's
// `keylog` event) one direction's recorded records are decrypted here, in memory, bounded by what was
// recorded; only the handshake messages' types and the start of their bodies come out. The secrets belong to
// this test session alone and are dropped with it; nothing here is logged.
import { createDecipheriv, createHmac } from 'node:crypto';

/** The TLS 1.3 cipher suites (RFC 8446 B.4) as OpenSSL names them. */
const SUITES: Record<string, { cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'; hash: 'sha256' | 'sha384'; keyLength: number }> = {
  TLS_AES_128_GCM_SHA256: { cipher: 'aes-128-gcm', hash: 'sha256', keyLength: 16 },
  TLS_AES_256_GCM_SHA384: { cipher: 'aes-256-gcm', hash: 'sha384', keyLength: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { cipher: 'chacha20-poly1305', hash: 'sha256', keyLength: 32 },
};

const APPLICATION_DATA = 23;
const HANDSHAKE = 22;
const TAG = 16;
/** Enough of a body to read a Certificate's request context and list length. */
const BODY_KEPT = 260;

export interface HandshakeMessage {
  type: number;
  /** The first bytes of the body (at most BODY_KEPT). */
  body: Buffer;
}

/** HKDF-Expand-Label with an empty context (RFC 8446 7.1); one HMAC block covers every key and IV. */
function expandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const name = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, name.length]), name, Buffer.from([0, 1])]);
  return createHmac(hash, secret).update(info).digest().subarray(0, length);
}

/**
 * The handshake messages inside one direction's records, decrypted with its handshake traffic secret, up to
 * the first record that key does not open (the application data after the handshake). Undefined for a suite
 * this does not know.
 */
export function encryptedHandshake(records: Buffer, suite: string, secret: Buffer): HandshakeMessage[] | undefined {
  const known = SUITES[suite];
  if (!known) return undefined;
  const key = expandLabel(known.hash, secret, 'key', known.keyLength);
  const iv = expandLabel(known.hash, secret, 'iv', 12);
  const plain: Buffer[] = [];
  let sequence = 0;
  for (let at = 0; at + 5 <= records.length; ) {
    const type = records[at]!;
    const length = records.readUInt16BE(at + 3);
    if (at + 5 + length > records.length) break;
    const header = records.subarray(at, at + 5);
    const body = records.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    // The hellos and the compatibility ChangeCipherSpec travel in the clear.
    if (type !== APPLICATION_DATA) continue;
    if (length <= TAG) break;
    const nonce = Buffer.from(iv);
    for (let i = 0, n = sequence++; i < 6; i++, n = Math.floor(n / 256)) nonce[11 - i]! ^= n % 256;
    let opened: Buffer;
    try {
      // Typed as a GCM cipher: Node's types name ChaCha20-Poly1305's overload apart, the call is the same.
      const decipher = createDecipheriv(known.cipher as 'aes-128-gcm', key, nonce, { authTagLength: TAG });
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(length - TAG));
      opened = Buffer.concat([decipher.update(body.subarray(0, length - TAG)), decipher.final()]);
    } catch {
      break;
    }
    // TLSInnerPlaintext: content, its real type, zero padding.
    let end = opened.length;
    while (end > 0 && opened[end - 1] === 0) end--;
    if (end === 0 || opened[end - 1] !== HANDSHAKE) break;
    plain.push(opened.subarray(0, end - 1));
  }
  return messages(Buffer.concat(plain));
}

function messages(bytes: Buffer): HandshakeMessage[] {
  const found: HandshakeMessage[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const length = bytes.readUIntBE(at + 1, 3);
    found.push({ type: bytes[at]!, body: bytes.subarray(at + 4, Math.min(at + 4 + length, at + 4 + BODY_KEPT, bytes.length)) });
    at += 4 + length;
  }
  return found;
}

/** Whether a TLS 1.3 Certificate message carries a certificate: context length(1), context, list length(3). */
export function certificateListNotEmpty(body: Buffer): boolean | undefined {
  const context = body[0];
  if (context === undefined || body.length < 1 + context + 3) return undefined;
  return body.readUIntBE(1 + context, 3) > 0;
}
