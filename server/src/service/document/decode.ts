// Bytes of a config file to text. The EMS reads bytes; an editor shows text: bytes that are not UTF-8
// are worth a finding, because the EMS will see something else than the editor shows.

export interface DecodedConfig {
  text: string;
  /** Offset in `text` of the first character that was not valid UTF-8. */
  invalidUtf8At?: number;
}

export function decodeConfig(bytes: Uint8Array): DecodedConfig {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    return { text, invalidUtf8At: Math.max(0, text.indexOf('\uFFFD')) };
  }
}
