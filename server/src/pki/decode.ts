// Bytes to PEM blocks. Any number of blocks in any order, with text before, between and after them, as
// OpenSSL reads them; a block cut short (no END line before the next BEGIN or the end) is kept and marked.

export interface PemBlock {
  /** 1-based, in file order. */
  readonly index: number;
  readonly label: string;
  /** 1-based line of the BEGIN line. */
  readonly line: number;
  /** The whole block, BEGIN to END, as Node's createPrivateKey wants it. */
  readonly text: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of traditional encrypted keys. */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded body; undefined when the block has no END line or its body is not Base64. */
  readonly der?: Buffer;
  readonly complete: boolean;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;
const BASE64_CHARACTERS = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whole Base64: groups of four, padded at the end only (one flat pattern, linear on a 1 MB bundle). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_CHARACTERS.test(text);
}

/** Reads bytes as text without failing on any byte sequence (PEM is ASCII). */
export function asText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function hasPemBlock(text: string): boolean {
  return text.includes('-----BEGIN ');
}

function decodeBody(body: string): { headers: Record<string, string>; der?: Buffer } {
  const headers: Record<string, string> = {};
  const lines = body.split(/\r?\n/).map((line) => line.trim());
  let at = 0;
  while (at < lines.length && lines[at] === '') at++;
  for (let match = HEADER.exec(lines[at] ?? ''); match; match = HEADER.exec(lines[at] ?? '')) {
    headers[match[1]!] = match[2]!;
    at++;
  }
  const base64 = lines.slice(at).join('');
  return { headers, der: base64 !== '' && isBase64(base64) ? Buffer.from(base64, 'base64') : undefined };
}

/** Far more than any bundle (Debian's CA list has about 150); a file with more is not read past this. */
export const MAX_PEM_BLOCKS = 2000;

/**
 * The file's PEM blocks, at most MAX_PEM_BLOCKS (`truncated` when there were more). Linear in the text:
 * lines are counted as the scan moves on, and an END line is looked for only up to the next BEGIN.
 */
export function pemBlocks(text: string): { blocks: PemBlock[]; truncated: boolean } {
  const blocks: PemBlock[] = [];
  const begin = new RegExp(BEGIN);
  let line = 1;
  // The next line break not yet counted: each one is found once, however long the lines between blocks.
  let lineBreak = text.indexOf('\n');
  for (let match = begin.exec(text); match; match = begin.exec(text)) {
    if (blocks.length === MAX_PEM_BLOCKS) return { blocks, truncated: true };
    for (; lineBreak >= 0 && lineBreak < match.index; lineBreak = text.indexOf('\n', lineBreak + 1)) line++;
    const label = match[1]!;
    const bodyStart = match.index + match[0].length;
    const endMarker = `-----END ${label}-----`;
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    const limit = nextBegin < 0 ? text.length : nextBegin;
    const found = text.slice(bodyStart, limit).indexOf(endMarker);
    const index = blocks.length + 1;
    if (found < 0) {
      blocks.push({ index, label, line, text: text.slice(match.index, limit), headers: {}, complete: false });
      continue;
    }
    const end = bodyStart + found;
    begin.lastIndex = end + endMarker.length;
    const { headers, der } = decodeBody(text.slice(bodyStart, end));
    blocks.push({ index, label, line, text: text.slice(match.index, begin.lastIndex), headers, der, complete: true });
  }
  return { blocks, truncated: false };
}
