// Bytes to PEM blocks, framed as OpenSSL 3's PEM reader frames them (crypto/pem/pem_lib.c: PEM_read_bio_ex,
// get_name, get_header_and_data, sanitize_line; crypto/evp/encode.c: EVP_DecodeUpdate), which the EMS reaches
// through SSL_CTX_load_verify_locations, SSL_CTX_use_certificate_chain_file and PEM_read_bio_PrivateKey:
//
// - The file is read the way BIO_gets reads it: a line at a time, at most 254 characters a read (a longer
//   line is read in pieces, each judged as a line), a line cut at a NUL byte, and the file ending at a read
//   that starts with one. Each read loses its trailing bytes up to space (control characters, CR, and on
//   x86, where char is signed, bytes from 0x80: a UTF-8 no-break space), so CRLF reads as LF; a lone CR
//   ends no line. The line break read after a full 254-character read ends that line, not a blank one.
// - A block starts only at a read that begins "-----BEGIN " and ends "-----"; the label is what is between.
//   Anything else is skipped: text around blocks, and BEGIN text that does not start its line (reported
//   here as a block with a fault, so the user sees why OpenSSL loads nothing from it). OpenSSL 3 drops a
//   UTF-8 byte-order mark from the first line it reads for each block (at the start of the file or right
//   after an END line).
// - Up to the END line: lines before the first blank line are headers if a blank line follows them
//   (otherwise they are the Base64); after a blank line every line must be 64 characters but the last; a
//   second blank line, or an END line whose label differs or has more after its dashes, fails the block.
//   A BEGIN line inside a block is Base64 to OpenSSL: the block runs on to the next END line.
// - The Base64 (EVP_DecodeUpdate): spaces, tabs and line breaks skipped, any other byte outside Base64
//   refused, decoding ending at the first '-', "=" only as the last one or two of a length that is a
//   multiple of four, and at least one character.
// Where OpenSSL 1.0.2 or 1.1.1 (the EMS 5.4 releases) read a block differently, the block says so
// (afterBom) and is read as OpenSSL 3 reads it. One-line Base64 is not such a case: the 80-character limit of
// 1.0.2's EVP_DecodeUpdate went in 1.0.2e, and 1.0.2l, q and r builds read a one-line certificate.

export interface PemBlock {
  /** 1-based, in file order, counting every BEGIN text (a stray one too). */
  readonly index: number;
  /** As messages may show it (shownLabel): what OpenSSL reads off a BEGIN line that runs on (lone CRs) is cut. */
  readonly label: string;
  /** 1-based line of the BEGIN line. */
  readonly line: number;
  /** The block as OpenSSL decoded it, written out again (headers, then the Base64 in 64-character lines): what Node's createPrivateKey is given. */
  readonly text: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info of traditional encrypted keys), from the lines above the first blank line. */
  readonly headers: Readonly<Record<string, string>>;
  /** The headers are the Proc-Type and DEK-Info of a traditional encrypted key, as PEM_get_EVP_CIPHER_INFO wants them. */
  readonly encrypted: boolean;
  /** Why the certificate and key readers (PEM_get_EVP_CIPHER_INFO) refuse the block's headers; undefined when it has none or they are an encryption's. */
  readonly headerFault?: string;
  /** The decoded body; undefined when the block has a fault. */
  readonly der?: Buffer;
  /** OpenSSL's reader got to an END line for the block (one that matches, or one that fails it). */
  readonly complete: boolean;
  /** BEGIN text OpenSSL does not take for a BEGIN line, or one it reads as part of the block before: no block to OpenSSL. */
  readonly stray?: true;
  /** Why OpenSSL reads nothing from the block (a sentence without its subject: "has no ... line"); undefined when it reads it. */
  readonly fault?: string;
  /**
   * A UTF-8 byte-order mark came before the BEGIN line, which OpenSSL 3 drops (pem_lib.c get_name, since
   * 3.0) and OpenSSL 1.0.2 and 1.1.1 do not: those do not see the BEGIN line and skip the block.
   */
  readonly afterBom?: true;
}

const BOM = '\xef\xbb\xbf';
const BEGIN = '-----BEGIN ';
const END = '-----END ';
const TAIL = '-----';
/** BIO_gets(bp, buf, LINESIZE = 255) reads at most 254 characters (OpenSSL 1.0.2: BIO_gets(bp, buf, 254), 253). */
const READ_LENGTH = 254;
/** After a blank line (the end of the headers), each line must be this long but the last: 64 Base64 characters. */
const ENCRYPTED_LINE = 64;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;
const BASE64_CHARACTERS = /^[A-Za-z0-9+/]*={0,2}$/;
/** What EVP_DecodeUpdate takes on a line before a '-': Base64, padding, and the spaces, tabs and CRs it skips. */
const DECODABLE = /^[A-Za-z0-9+/=\t\r ]*$/;
/** PEM_get_EVP_CIPHER_INFO (OpenSSL 1.1.1 and 3): Proc-Type 4,ENCRYPTED on the first line, DEK-Info on the second. */
const ENCRYPTION_HEADER = /^Proc-Type:[ \t]*4,[ \t]*ENCRYPTED[ \t\r]*\nDEK-Info:/;
/** Labels and header names shown in reasons are cut to this. */
const MAX_SHOWN = 64;
/** A label that is none is shown by this many of its first letters, digits and spaces at most. */
const MAX_SHOWN_WORDS = 32;

/** Whole Base64: groups of four, padded at the end only (one flat pattern, linear on a 1 MB bundle). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_CHARACTERS.test(text);
}

/** Reads bytes as text without failing on any byte sequence (PEM is ASCII). */
export function asText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function hasPemBlock(text: string): boolean {
  return text.includes(BEGIN);
}

/** Far more than any bundle (Debian's CA list has about 150); a file with more is not read past this. */
export const MAX_PEM_BLOCKS = 2000;

/** One BIO_gets: `content` is what it returns (cut at a NUL), `line` the 1-based line it is on. */
interface Read {
  readonly start: number;
  readonly end: number;
  readonly content: string;
  readonly line: number;
}

/** The file as BIO_gets reads it. Linear: each line break and NUL is looked for once, however long the lines. */
class Reader {
  private position = 0;
  private line = 1;
  private nextBreak: number;
  private nextNul: number;
  /** The line of a NUL that ended the file for OpenSSL (BIO_gets returned nothing). */
  nulLine?: number;

  constructor(readonly text: string) {
    this.nextBreak = text.indexOf('\n');
    this.nextNul = text.indexOf('\0');
  }

  get offset(): number {
    return this.position;
  }

  next(): Read | undefined {
    const { text, position } = this;
    if (position >= text.length || this.nulLine !== undefined) return undefined;
    if (this.nextBreak >= 0 && this.nextBreak < position) this.nextBreak = text.indexOf('\n', position);
    if (this.nextNul >= 0 && this.nextNul < position) this.nextNul = text.indexOf('\0', position);
    const end = Math.min(this.nextBreak < 0 ? text.length : this.nextBreak + 1, position + READ_LENGTH);
    const cut = this.nextNul >= 0 && this.nextNul < end ? this.nextNul : end;
    if (cut === position) {
      this.nulLine = this.line;
      return undefined;
    }
    const read = { start: position, end, content: text.slice(position, cut), line: this.line };
    this.position = end;
    if (text.charCodeAt(end - 1) === 10) this.line++;
    return read;
  }
}

/** sanitize_line: the trailing bytes up to space go (signed char on x86: bytes from 0x80 too). */
function trimEnd(content: string): string {
  let end = content.length;
  for (let code = content.charCodeAt(end - 1); end > 0 && (code <= 0x20 || code >= 0x80); code = content.charCodeAt(--end - 1));
  return content.slice(0, end);
}

/**
 * A label as messages may show it: as it is when it is one ("CERTIFICATE", "RSA PRIVATE KEY"), else its first
 * letters, digits and spaces and an ellipsis. A BEGIN line OpenSSL runs on past (lone CRs, text after the
 * dashes) gives a "label" holding the Base64 of the block, key material that must not reach a message.
 */
export function shownLabel(label: string): string {
  if (/^[A-Z0-9 ]{1,64}$/.test(label)) return label;
  const words = /^[A-Za-z0-9 ]*/.exec(label)![0].slice(0, MAX_SHOWN_WORDS).trimEnd();
  return `${words}…`;
}

/** What OpenSSL would have read from the block, for the reasons: 'certificate', 'key' or 'data'. */
export function blockNoun(shown: string): string {
  const label = shown.endsWith('…') ? shown.slice(0, -1).trimEnd() : shown;
  return label.endsWith('CERTIFICATE') ? 'certificate' : label.endsWith('PRIVATE KEY') ? 'key' : 'data';
}

/** "OpenSSL reads no certificate from it", or with `it` for a sentence that has named OpenSSL already. */
function readsNo(label: string, subject: 'OpenSSL' | 'it' = 'OpenSSL'): string {
  const noun = blockNoun(label);
  return noun === 'data' ? `${subject} cannot read the block` : `${subject} reads no ${noun} from it`;
}

function characterName(character: string): string {
  const code = character.charCodeAt(0);
  return code > 0x20 && code < 0x7f ? `"${character}"` : `byte 0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The label of BEGIN text that OpenSSL does not take for a BEGIN line: up to the next dashes on its line. */
function strayLabel(text: string, at: number): string {
  const from = at + BEGIN.length;
  const lineEnd = text.indexOf('\n', from);
  const limit = Math.min(lineEnd < 0 ? text.length : lineEnd, from + MAX_SHOWN);
  const dashes = text.slice(from, limit).indexOf(TAIL);
  return shownLabel(trimEnd(text.slice(from, dashes < 0 ? limit : from + dashes)));
}

interface Decoded {
  der?: Buffer;
  fault?: string;
}

/** EVP_DecodeUpdate and EVP_DecodeFinal over the data lines (sanitized, each ended by a line break). */
function decodeData(lines: readonly string[], lineNumbers: readonly number[], label: string): Decoded {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const dash = line.indexOf('-');
    const part = dash < 0 ? line : line.slice(0, dash);
    if (!DECODABLE.test(part)) {
      const bad = [...part].find((character) => !DECODABLE.test(character))!;
      return { fault: `is not valid Base64: OpenSSL refuses the ${characterName(bad)} on line ${lineNumbers[i]}, so ${readsNo(label, 'it')}` };
    }
    const base64 = part.replace(/[\t\r ]+/g, '');
    parts.push(base64);
    // A '-' ends the Base64: the rest of the block is not looked at.
    if (dash >= 0) break;
  }
  const base64 = parts.join('');
  if (base64 === '') return { fault: `has no Base64 between its BEGIN and END lines; ${readsNo(label)}` };
  if (!BASE64_CHARACTERS.test(base64)) return { fault: `is not valid Base64: "=" padding before its end, or more than two; ${readsNo(label)}` };
  if (base64.length % 4 !== 0) {
    return { fault: `is not valid Base64: ${base64.length.toLocaleString('en-US')} characters, not a multiple of four (its "=" padding missing, or a character lost); ${readsNo(label)}` };
  }
  return { der: Buffer.from(base64, 'base64') };
}

function pemText(label: string, headerLines: readonly string[], der: Buffer): string {
  const headers = headerLines.length > 0 ? `${headerLines.join('\n')}\n\n` : '';
  return `-----BEGIN ${label}-----\n${headers}${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** The headers as the certificate and key readers take them: none, an encryption's, or refused (why). */
function readHeaders(headerLines: readonly string[], blankLine: number | undefined, label: string): Pick<PemBlock, 'headers' | 'encrypted' | 'headerFault'> {
  const headers: Record<string, string> = {};
  if (headerLines.length === 0) return { headers, encrypted: false };
  for (const line of headerLines) {
    const match = HEADER.exec(line.trim());
    if (match) headers[match[1]!] = match[2]!;
  }
  if (ENCRYPTION_HEADER.test(headerLines.map((line) => `${line}\n`).join(''))) return { headers, encrypted: true };
  const first = HEADER.exec(headerLines[0]!.trim());
  const headerFault = first
    ? `has a header line ("${first[1]!.slice(0, MAX_SHOWN_WORDS)}: …") before its Base64; OpenSSL accepts only the Proc-Type and DEK-Info lines of an encrypted key there, so ${readsNo(label, 'it')}`
    : `has a blank line inside its Base64 (line ${blankLine}); OpenSSL takes the lines above it for headers, so ${readsNo(label, 'it')}`;
  return { headers, encrypted: false, headerFault };
}

type Stray = Omit<PemBlock, 'index'>;

function stray(label: string, line: number, fault: string): Stray {
  return { label, line, text: '', headers: {}, encrypted: false, complete: false, fault, stray: true };
}

const LONE_CR = 'OpenSSL ends a line only at a line feed (LF), and this file breaks its lines with a carriage return (CR) alone';

/** Why BEGIN text that OpenSSL skipped is not a BEGIN line, for the reason. */
function strayFault(text: string, at: number, read: Read, from: number, label: string): string {
  const before = text.slice(from, at);
  const where = `on line ${read.line}`;
  const consequence = `${readsNo(label)} (a BEGIN line must start its line)`;
  if (at === from) {
    const after = at + BEGIN.length + label.length + TAIL.length;
    if (text.charCodeAt(after) === 13 && text.charCodeAt(after + 1) !== 10) return `is not on a line of its own: ${LONE_CR}, so ${readsNo(label, 'it')}`;
    return `has other text after its "-----BEGIN ${label}-----" ${where}; ${readsNo(label)} (nothing but spaces may follow a BEGIN line's dashes)`;
  }
  if (before.endsWith('\r')) return `is not on a line of its own: ${LONE_CR}, so ${readsNo(label, 'it')}`;
  if (before === BOM) return `follows a UTF-8 byte-order mark ${where}, where OpenSSL does not drop one (it does only at the start of the file or right after an END line); ${consequence}`;
  if (/^[\t ]+$/.test(before)) return `is indented ${where}; ${consequence}`;
  return `starts after other text ${where}; ${consequence}`;
}

/** The label of a BEGIN line read inside a block (OpenSSL's own reading, when its dashes end it). */
function nestedLabel(line: string): string {
  return line.endsWith(TAIL) ? shownLabel(line.slice(BEGIN.length, -TAIL.length)) : strayLabel(line, 0);
}

interface ReadBlock {
  readonly block: Stray;
  /** BEGIN lines read as part of the block: blocks OpenSSL never sees. */
  readonly nested: readonly { label: string; line: number }[];
  /** The first END text the block's reading ran past (indented, or after other text on its line). */
  readonly hiddenEnd?: number;
}

/** get_header_and_data and the decoding, from the read after the BEGIN line up to the END line. */
function readBlock(reader: Reader, name: string, line: number): ReadBlock {
  const label = shownLabel(name);
  const nested: { label: string; line: number }[] = [];
  let headerLines: string[] = [];
  let dataLines: string[] = [];
  const headerLineNumbers: number[] = [];
  let dataLineNumbers: number[] = [];
  let state: 'maybe' | 'header' | 'data' = 'maybe';
  let blankLine: number | undefined;
  let colonLine: number | undefined;
  let hiddenEnd: number | undefined;
  let short = false;
  let partial = false;
  const failed = (why: string, complete = false): ReadBlock => {
    // An END line OpenSSL did not see is the likelier cause of whatever went wrong after it.
    const fault = hiddenEnd === undefined ? why
      : `has its END line (line ${hiddenEnd}) indented or after other text, where OpenSSL does not look for one, so ${readsNo(label, 'it')}`;
    return { block: { label, line, text: '', headers: {}, encrypted: false, complete, fault }, nested, hiddenEnd };
  };
  for (;;) {
    const read = reader.next();
    if (!read) {
      return failed(reader.nulLine !== undefined
        ? `is cut off by a NUL byte on line ${reader.nulLine}, where OpenSSL stops reading the file, so ${readsNo(label, 'it')}`
        : `has no "-----END ${label}-----" line (the file looks cut short); ${readsNo(label)}`);
    }
    // A read that filled the buffer without reaching the line's end: the line break read next ends no blank line.
    const afterPartial = partial;
    partial = read.content.length === READ_LENGTH && !read.content.endsWith('\n');
    if (state === 'maybe' && read.content.includes(':')) {
      state = 'header';
      colonLine = read.line;
    }
    const text = trimEnd(read.content);
    if (text === '') {
      if (afterPartial) continue;
      if (state === 'data') return failed(`has a second blank line (line ${read.line}) before its END line; ${readsNo(label)}`);
      state = 'data';
      blankLine = read.line;
      continue;
    }
    if (text.startsWith(END)) {
      if (text !== `${END}${name}${TAIL}`) {
        if (text.startsWith(`${END}${name}${TAIL}`)) return failed(`has other text after its END line's dashes (line ${read.line}); ${readsNo(label)}`, true);
        const seen = `"-----END ${shownLabel(text.slice(END.length, text.endsWith(TAIL) ? -TAIL.length : undefined))}-----" on line ${read.line}`;
        return failed(nested.length > 0
          ? `has no "-----END ${label}-----" line of its own: OpenSSL reads on to ${seen}, which does not match its BEGIN line, so ${readsNo(label, 'it')}`
          : `ends with ${seen}, which does not match its BEGIN line; ${readsNo(label)}`, true);
      }
      break;
    }
    if (short) {
      return failed(`has a Base64 line shorter than 64 characters before line ${read.line}: after the blank line on line ${blankLine} OpenSSL wants every line but the last to hold 64, so ${readsNo(label, 'it')}`);
    }
    if (text.startsWith(BEGIN)) {
      if (nested.length < MAX_PEM_BLOCKS) nested.push({ label: nestedLabel(text), line: read.line });
    } else if (hiddenEnd === undefined && text.includes(END)) {
      hiddenEnd = read.line;
    }
    if (state === 'data') {
      dataLines.push(text);
      dataLineNumbers.push(read.line);
      if (text.length > ENCRYPTED_LINE) {
        return failed(`has a line longer than 64 characters (line ${read.line}) after the blank line on line ${blankLine}, where OpenSSL wants the Base64 in lines of 64, so ${readsNo(label, 'it')}`);
      }
      short = text.length < ENCRYPTED_LINE;
    } else {
      headerLines.push(text);
      headerLineNumbers.push(read.line);
    }
  }
  // No blank line and no ':' before the END line: every line read was Base64, none a header.
  if (state === 'maybe') {
    dataLines = headerLines;
    dataLineNumbers = headerLineNumbers;
    headerLines = [];
  }
  if (dataLines.length === 0) {
    if (headerLines.length === 0) return failed(`has no Base64 between its BEGIN and END lines; ${readsNo(label)}`, true);
    return failed(blankLine !== undefined
      ? `has a blank line (line ${blankLine}) after its Base64: OpenSSL takes the lines above it for headers and finds no Base64, so ${readsNo(label, 'it')}`
      : `has a ":" on line ${colonLine} and no blank line after it: OpenSSL takes all its lines for headers and finds no Base64, so ${readsNo(label, 'it')}`, true);
  }
  const decoded = decodeData(dataLines, dataLineNumbers, label);
  if (!decoded.der) return failed(decoded.fault!, true);
  const block: Stray = {
    label, line, text: pemText(name, headerLines, decoded.der), ...readHeaders(headerLines, blankLine, label), der: decoded.der, complete: true,
  };
  return { block, nested, hiddenEnd };
}

function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function nestedFault(nested: { label: string }, outer: PemBlock, hiddenEnd: number | undefined): string {
  const noun = blockNoun(nested.label);
  const what = noun === 'data' ? 'it' : `this ${noun}`;
  const why = hiddenEnd === undefined ? 'which has no END line of its own before it' : `whose END line on line ${hiddenEnd} OpenSSL does not see (indented or after other text)`;
  return outer.fault
    ? `lies inside block ${outer.index}, ${why}; OpenSSL reads nothing from either`
    : `lies inside block ${outer.index}, ${why}: OpenSSL reads block ${outer.index} up to this line and skips ${what}`;
}

/**
 * The file's PEM blocks, at most MAX_PEM_BLOCKS (`truncated` when there were more), as OpenSSL 3's PEM reader
 * frames them, and the BEGIN text it skips as blocks with a fault. Linear in the text: each read is looked at
 * once, and BEGIN text is looked for once from where the reading is.
 */
export function pemBlocks(text: string): { blocks: PemBlock[]; truncated: boolean } {
  const blocks: PemBlock[] = [];
  const reader = new Reader(text);
  let nextBeginText = text.indexOf(BEGIN);
  const push = (block: Stray): boolean => {
    if (blocks.length === MAX_PEM_BLOCKS) return false;
    blocks.push({ index: blocks.length + 1, ...block });
    return true;
  };
  // get_name: reads until one is a BEGIN line; the first read for each block may lose a byte-order mark.
  let first = true;
  for (let read = reader.next(); read; read = reader.next()) {
    const bom = first && read.content.length > 3 && read.content.startsWith(BOM);
    first = false;
    const line = trimEnd(bom ? read.content.slice(BOM.length) : read.content);
    if (!line.startsWith(BEGIN) || !line.endsWith(TAIL)) {
      // BEGIN text in a read that is not a BEGIN line: OpenSSL skips it.
      const from = read.start + (bom ? BOM.length : 0);
      if (nextBeginText >= 0 && nextBeginText < from) nextBeginText = text.indexOf(BEGIN, from);
      for (; nextBeginText >= 0 && nextBeginText < read.end; nextBeginText = text.indexOf(BEGIN, nextBeginText + 1)) {
        const label = strayLabel(text, nextBeginText);
        if (!push(stray(label, read.line, strayFault(text, nextBeginText, read, from, label)))) return { blocks, truncated: true };
      }
      continue;
    }
    if (blocks.length === MAX_PEM_BLOCKS) return { blocks, truncated: true };
    const name = line.slice(BEGIN.length, -TAIL.length);
    const { block: found, nested, hiddenEnd } = readBlock(reader, name, read.line);
    // A lone CR inside the "BEGIN line": OpenSSL read on through the block, and no END line can match it.
    const runOn = name.includes('\r') && found.fault !== undefined ? { fault: `is not on a line of its own: ${LONE_CR}, so ${readsNo(found.label, 'it')}` } : {};
    const block: PemBlock = { index: blocks.length + 1, ...found, ...runOn, ...(bom ? { afterBom: true } : {}) };
    blocks.push(block);
    for (const inside of nested) if (!push(stray(inside.label, inside.line, nestedFault(inside, block, hiddenEnd)))) return { blocks, truncated: true };
    first = true;
  }
  if (reader.nulLine !== undefined) {
    // OpenSSL's reading ended at a NUL byte: BEGIN text after it is never seen.
    const after = text.indexOf(BEGIN, reader.offset);
    if (after >= 0) {
      const label = strayLabel(text, after);
      const at = reader.nulLine + countLines(text, reader.offset, after);
      if (!push(stray(label, at, `follows a NUL byte on line ${reader.nulLine}, where OpenSSL stops reading the file, so ${readsNo(label, 'it')}`))) return { blocks, truncated: true };
    }
  }
  return { blocks, truncated: false };
}
