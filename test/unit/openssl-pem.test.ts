// PEM framed as OpenSSL frames it (issue 14): each form of the same certificates and keys (line ends, text
// around and before blocks, a byte-order mark, one-line Base64, broken padding, labels) is written to a temp
// file, and what OpenSSL reads from those bytes is held against what parsePki reads and what the service says.
//
// The oracles call what the EMS calls: `openssl crl2pkcs7 -certfile` reads a CA list with
// PEM_X509_INFO_read_bio (SSL_CTX_load_verify_locations reads it so: one unreadable block and no certificate
// of the file is loaded); Node's tls.createSecureContext({ cert }) reads an identity chain as
// SSL_CTX_use_certificate_chain_file does (PEM_read_bio_X509_AUX, then PEM_read_bio_X509), through the same
// OpenSSL, and `openssl x509` names the first certificate of every file OpenSSL reads; `openssl pkey` reads
// a key. `openssl x509` alone is no oracle for a chain: it goes through OSSL_STORE, which skips a broken
// first block and reads the next.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { after, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { parsePki } from '../../server/src/pki';
import { pemBlocks, type PemBlock } from '../../server/src/pki/decode';
import { createEmsService } from '../../server/src/service';
import { NOW, PASSPHRASE, pki, pkiText } from '../helpers/pki';
import { BASE, SETTINGS } from '../helpers/service';

const work = mkdtempSync(join(tmpdir(), 'ems-openssl-pem-'));
after(() => rmSync(work, { recursive: true, force: true }));
const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });

function openssl(...args: string[]): { ok: boolean; output: string } {
  const run = spawnSync('openssl', args, { encoding: 'latin1', cwd: work });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;
const CERTIFICATES = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates PEM_X509_INFO_read_bio loads from the file, in order; undefined when it fails on the file. */
function opensslCaList(file: string): string[] | undefined {
  const p7 = `${file}.p7`;
  if (!openssl('crl2pkcs7', '-nocrl', '-certfile', file, '-out', p7).ok) return undefined;
  const printed = openssl('pkcs7', '-in', p7, '-print_certs');
  assert.ok(printed.ok, printed.output);
  return [...printed.output.matchAll(CERTIFICATES)].map((match) => fingerprint(match[0]));
}

/** The leaf SSL_CTX_use_certificate_chain_file takes from the file; undefined when it fails. */
function emsLeaf(bytes: Buffer): string | undefined {
  let context;
  try {
    context = createSecureContext({ cert: bytes });
  } catch {
    return undefined;
  }
  const der = (context.context as { getCertificate(): Buffer | null }).getCertificate();
  return der ? new X509Certificate(der).fingerprint256 : undefined;
}

function opensslFirstCertificate(file: string): string | undefined {
  const run = openssl('x509', '-in', file, '-noout', '-fingerprint', '-sha256');
  return run.ok ? /=([0-9A-F:]+)/.exec(run.output)?.[1] : undefined;
}

async function codesAt(groups: Record<string, unknown>, pointer: string): Promise<string[]> {
  const result = await service.check({ text: JSON.stringify({ ...BASE, ...groups }), settings: SETTINGS });
  return result.findings.filter((f) => f.pointer === pointer).map((f) => f.code);
}

// ─── Forms ──────────────────────────────────────────────────────────────────────────────────────────────

interface Block {
  readonly label: string;
  /** Headers and the blank line after them, if any. */
  readonly headers: readonly string[];
  readonly base64: string;
}

/** A fixture's one PEM block. */
function blockOf(name: string): Block {
  const match = /-----BEGIN ([^-]+)-----\n((?:[A-Za-z-]+:.*\n)*\n?)([\s\S]*?)-----END \1-----/.exec(pkiText(name));
  assert.ok(match, name);
  return { label: match[1]!, headers: match[2]!.split('\n').slice(0, -1), base64: match[3]!.replace(/\s+/g, '') };
}

interface Render {
  label?: string;
  begin?: string;
  end?: string;
  /** Base64 characters a line. */
  width?: number;
  /** The body lines (headers, blank line, Base64 lines) changed. */
  body?: (lines: string[]) => string[];
}

function render(block: Block, options: Render = {}): string {
  const label = options.label ?? block.label;
  const width = options.width ?? 64;
  const lines = [...block.headers, ...block.base64.match(new RegExp(`.{1,${width}}`, 'g'))!];
  const body = options.body ? options.body(lines) : lines;
  return [options.begin ?? `-----BEGIN ${label}-----`, ...body, ...(options.end === '' ? [] : [options.end ?? `-----END ${label}-----`])].join('\n') + '\n';
}

/** The TRUSTED CERTIFICATE form of a fixture certificate, with trust settings when `trust`. */
function trusted(name: string, trust: boolean): string {
  const run = openssl('x509', '-in', pki(name), '-trustout', ...(trust ? ['-addtrust', 'serverAuth'] : []));
  assert.ok(run.ok, run.output);
  return run.output;
}

const BOM = '\xef\xbb\xbf';

/** The two certificates of a file, either changed: `first` and `second` render them, `around` the whole text. */
interface CertificateForm {
  readonly name: string;
  readonly first?: Render | ((name: string) => string);
  readonly second?: Render | ((name: string) => string);
  readonly around?: (text: string) => string;
  /** Which of the two OpenSSL reads ('fails': it reads nothing from the file, for the EMS no certificate at all). */
  readonly openssl: readonly (0 | 1)[] | 'fails';
  /** Which we read, where OpenSSL fails. */
  readonly ours?: readonly (0 | 1)[];
  /** We say unrecognized-content. */
  readonly finding: boolean;
  /** Only in this role (a TRUSTED CERTIFICATE after the first is read in a CA list, skipped in a chain). */
  readonly only?: 'ca-list';
}

const both = [0, 1] as const;
const blankInside = (lines: string[]) => [...lines.slice(0, 3), '', ...lines.slice(3)];

const CERTIFICATE_FORMS: readonly CertificateForm[] = [
  { name: 'as openssl writes it', openssl: both, finding: false },
  { name: 'CRLF line ends', around: (text) => text.replace(/\n/g, '\r\n'), openssl: both, finding: false },
  { name: 'spaces and tabs after the BEGIN and END dashes', first: { begin: '-----BEGIN CERTIFICATE----- \t', end: '-----END CERTIFICATE-----\t ' }, openssl: both, finding: false },
  { name: 'Base64 lines indented', first: { body: (lines) => lines.map((line, i) => (i % 2 ? '\t' : '  ') + line) }, openssl: both, finding: false },
  { name: 'spaces, tabs and a form feed after the Base64 lines', first: { body: (lines) => lines.map((line) => `${line} \t\f`) }, openssl: both, finding: false },
  { name: 'a UTF-8 byte-order mark before the first BEGIN', around: (text) => BOM + text, openssl: both, finding: false },
  { name: 'a byte-order mark right after the first END line', second: (name) => BOM + render(blockOf(name)), openssl: both, finding: false },
  { name: 'a blank line right after BEGIN', first: { body: (lines) => ['', ...lines] }, openssl: both, finding: false },
  { name: 'text before, between and after the blocks', around: (text) => `Bag Attributes\n    localKeyID: 01 02\nsubject=/CN=x\n${text.replace(/-----\n-----BEGIN/, '-----\nissuer: between\n\n-----BEGIN')}trailing text\n`, openssl: both, finding: false },
  { name: 'one-line Base64', first: { width: 100_000 }, second: { width: 100_000 }, openssl: both, finding: false },
  { name: '76-character lines', first: { width: 76 }, openssl: both, finding: false },
  { name: '254-character lines (a read ends at the line break)', first: { width: 254 }, openssl: both, finding: false },
  { name: 'four-character lines', first: { width: 4 }, openssl: both, finding: false },
  { name: 'a "--" note after the Base64 (the Base64 ends at a dash)', first: { body: (lines) => [...lines, '-- exported by a tool'] }, openssl: both, finding: false },
  { name: 'the old label X509 CERTIFICATE', first: { label: 'X509 CERTIFICATE' }, second: { label: 'X509 CERTIFICATE' }, openssl: both, finding: false },
  { name: 'TRUSTED CERTIFICATE with trust settings first', first: (name) => trusted(name, true), openssl: both, finding: false },
  { name: 'TRUSTED CERTIFICATE with trust settings second', second: (name) => trusted(name, true), openssl: both, finding: false, only: 'ca-list' },
  { name: 'TRUSTED CERTIFICATE without trust settings second', second: (name) => trusted(name, false), openssl: both, finding: false, only: 'ca-list' },
  { name: '254 characters of text, then BEGIN on the same line (BEGIN starts a read)', around: (text) => 'x'.repeat(254) + text, openssl: both, finding: false },
  // OpenSSL skips a block and reads the rest: we say why.
  { name: 'text before BEGIN on its line', first: { begin: 'subject=CN=x -----BEGIN CERTIFICATE-----' }, openssl: [1], finding: true },
  { name: 'text before the second BEGIN', second: { begin: 'issuer: -----BEGIN CERTIFICATE-----' }, openssl: [0], finding: true },
  { name: 'an indented BEGIN line', first: { begin: '  -----BEGIN CERTIFICATE-----' }, openssl: [1], finding: true },
  { name: 'text after the BEGIN dashes', first: { begin: '-----BEGIN CERTIFICATE----- (root)' }, openssl: [1], finding: true },
  { name: 'a byte-order mark after a blank line', second: (name) => `\n${BOM}${render(blockOf(name))}`, openssl: [0], finding: true },
  { name: '253 characters of text, then BEGIN on the same line', around: (text) => 'x'.repeat(253) + text, openssl: [1], finding: true },
  { name: 'no END line before the next BEGIN (that block is swallowed)', first: { end: '' }, openssl: [0], finding: true },
  { name: 'a lower-case label (skipped, no certificate)', first: { label: 'certificate' }, openssl: [1], finding: false },
  // OpenSSL fails on the file.
  { name: 'text after the END dashes', first: { end: '-----END CERTIFICATE----- (root)' }, openssl: 'fails', ours: [1], finding: true },
  { name: 'text after the second END dashes', second: { end: '-----END CERTIFICATE----- x' }, openssl: 'fails', ours: [0], finding: true },
  { name: 'text before END on its line', first: { end: 'x-----END CERTIFICATE-----' }, openssl: 'fails', ours: [], finding: true },
  { name: 'an indented last END line', second: { end: ' -----END CERTIFICATE-----' }, openssl: 'fails', ours: [0], finding: true },
  { name: 'an END label different from BEGIN', first: { end: '-----END X509 CERTIFICATE-----' }, openssl: 'fails', ours: [1], finding: true },
  { name: 'a blank line inside the Base64', first: { body: blankInside }, openssl: 'fails', ours: [1], finding: true },
  { name: 'a blank line inside the second Base64', second: { body: blankInside }, openssl: 'fails', ours: [0], finding: true },
  { name: 'a blank line before END', first: { body: (lines) => [...lines, ''] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'two blank lines after BEGIN', first: { body: (lines) => ['', '', ...lines] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'one-line Base64 after a blank line', first: { width: 100_000, body: (lines) => ['', ...lines] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'a header line and a blank line before the Base64', first: { body: (lines) => ['Comment: root', '', ...lines] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'a header line without a blank line', first: { body: (lines) => ['Comment: root', ...lines] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'Base64 without its "=" padding', first: { body: (lines) => lines.map((line) => line.replace(/=+$/, '')) }, openssl: 'fails', ours: [1], finding: true },
  { name: '"=" inside the Base64', first: { body: (lines) => [`${lines[0]!.slice(0, 8)}=${lines[0]!.slice(9)}`, ...lines.slice(1)] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'three "=" of padding', first: { body: (lines) => [...lines, '==='] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'a character outside Base64', first: { body: (lines) => [`${lines[0]!.slice(0, 10)}!${lines[0]!.slice(10)}`, ...lines.slice(1)] }, openssl: 'fails', ours: [1], finding: true },
  { name: 'a form feed before a Base64 line', first: { body: (lines) => lines.map((line) => `\f${line}`) }, openssl: 'fails', ours: [1], finding: true },
  { name: 'no Base64 at all', first: { body: () => [] }, openssl: 'fails', ours: [1], finding: true },
];

/** Lone CR line ends: OpenSSL sees no line at all (a CA list loads nothing, a chain fails). */
const LONE_CR = (text: string): string => text.replace(/\n/g, '\r');

const ROLES = {
  'ca-list': { names: ['root-ca.pem', 'intermediate-ca.pem'], pointer: '/certificates/cert_chain', config: (file: string) => ({ certificates: { validate: true, cert_chain: file } }) },
  'identity-chain': {
    names: ['server.pem', 'intermediate-ca.pem'], pointer: '/certificates/client_cert',
    config: (file: string) => ({ certificates: { validate: true, client_cert: file, key_file: pki('server-key.pem') } }),
  },
} as const;

function made(part: CertificateForm['first'], name: string): string {
  return typeof part === 'function' ? part(name) : render(blockOf(name), part);
}

let files = 0;
function write(text: string): { file: string; bytes: Buffer } {
  const file = join(work, `form-${++files}.pem`);
  const bytes = Buffer.from(text, 'latin1');
  writeFileSync(file, bytes);
  return { file, bytes };
}

for (const [role, { names, pointer, config }] of Object.entries(ROLES) as [keyof typeof ROLES, (typeof ROLES)[keyof typeof ROLES]][]) {
  const fingerprints = names.map((name) => fingerprint(pkiText(name)));
  const expected = (which: readonly number[]): string[] => which.map((i) => fingerprints[i]!);
  describe(`${role}: what OpenSSL reads from each PEM form is what we read`, () => {
    const forms = [...CERTIFICATE_FORMS.filter((form) => !form.only || form.only === role),
      { name: 'lone CR line ends', around: LONE_CR, openssl: role === 'ca-list' ? [] : 'fails', ours: [], finding: true } satisfies CertificateForm];
    for (const form of forms) {
      test(form.name, async () => {
        const text = (form.around ?? ((t: string) => t))(made(form.first, names[0]!) + made(form.second, names[1]!));
        const { file, bytes } = write(text);
        const opensslReads = form.openssl === 'fails' ? undefined : expected(form.openssl);
        if (role === 'ca-list') {
          assert.deepEqual(opensslCaList(file), opensslReads, 'PEM_X509_INFO_read_bio (openssl crl2pkcs7 -certfile)');
        } else {
          assert.equal(emsLeaf(bytes), opensslReads?.[0], 'SSL_CTX_use_certificate_chain_file (tls.createSecureContext)');
          if (opensslReads?.[0]) assert.equal(opensslFirstCertificate(file), opensslReads[0], 'openssl x509');
        }
        const parsed = parsePki(bytes);
        assert.deepEqual(parsed.certificates.map((c) => c.sha256), opensslReads ?? expected(form.ours ?? []), 'the certificates parsePki reads');
        assert.equal(parsed.problems.length > 0, form.finding, JSON.stringify(parsed.problems));
        const codes = await codesAt(config(file), pointer);
        assert.equal(codes.includes('unrecognized-content'), form.finding, codes.join(', '));
      });
    }
  });
}

// ─── Keys ───────────────────────────────────────────────────────────────────────────────────────────────

interface KeyForm {
  readonly name: string;
  readonly make: (key: string) => string;
  /** Only for these key files. */
  readonly keys?: readonly string[];
  /** OpenSSL reads the key (SSL_CTX_use_PrivateKey_file, openssl pkey). */
  readonly reads: boolean | ((key: string) => boolean);
}

const TRADITIONAL_ENCRYPTED = 'server-key-rsa-encrypted.pem';
const KEYS: Record<string, string> = {
  'server-key.pem': 'server.pem',
  'server-key-rsa.pem': 'server.pem',
  [TRADITIONAL_ENCRYPTED]: 'server.pem',
  'server-key-encrypted.pem': 'server.pem',
  'ec-p256-server-key-sec1.pem': 'ec-p256-server.pem',
};

const keyBlock = (key: string, options: Render = {}): string => render(blockOf(key), options);
/** The Base64 lines changed, the headers and their blank line kept. */
const base64Lines = (change: (line: string) => string) => (lines: string[]): string[] => lines.map((line) => (line === '' || line.includes(':') ? line : change(line)));

const KEY_FORMS: readonly KeyForm[] = [
  { name: 'as openssl writes it', make: (key) => keyBlock(key), reads: true },
  { name: 'CRLF line ends', make: (key) => keyBlock(key).replace(/\n/g, '\r\n'), reads: true },
  { name: 'a byte-order mark before BEGIN', make: (key) => BOM + keyBlock(key), reads: true },
  { name: 'text and a certificate before it', make: (key) => `Bag Attributes\n    friendlyName: server\n${pkiText(KEYS[key]!)}${keyBlock(key)}trailing\n`, reads: true },
  { name: 'Base64 lines with spaces after them', make: (key) => keyBlock(key, { body: base64Lines((line) => `${line}  `) }), reads: true },
  // After the blank line below its headers, a traditional encrypted key must keep 64-character lines.
  { name: 'Base64 lines indented', make: (key) => keyBlock(key, { body: base64Lines((line) => `  ${line}`) }), reads: (key) => key !== TRADITIONAL_ENCRYPTED },
  { name: 'one-line Base64', make: (key) => keyBlock(key, { width: 100_000 }), reads: (key) => key !== TRADITIONAL_ENCRYPTED },
  { name: '76-character lines', make: (key) => keyBlock(key, { width: 76 }), reads: (key) => key !== TRADITIONAL_ENCRYPTED },
  { name: 'text before BEGIN on its line', make: (key) => keyBlock(key, { begin: `key: -----BEGIN ${blockOf(key).label}-----` }), reads: false },
  { name: 'lone CR line ends', make: (key) => keyBlock(key).replace(/\n/g, '\r'), reads: false },
  { name: 'an END label different from BEGIN', make: (key) => keyBlock(key, { end: '-----END KEY-----' }), reads: false },
  { name: 'a blank line inside the Base64', make: (key) => keyBlock(key, { body: (lines) => [...lines.slice(0, -2), '', ...lines.slice(-2)] }), reads: false },
  { name: 'a comment header', make: (key) => keyBlock(key, { body: (lines) => ['Comment: server key', '', ...lines] }), keys: ['server-key.pem', 'ec-p256-server-key-sec1.pem'], reads: false },
];

describe('private-key: OpenSSL reads a key from each PEM form exactly where we do', () => {
  for (const form of KEY_FORMS) {
    for (const key of form.keys ?? Object.keys(KEYS)) {
      test(`${form.name}: ${key}`, async () => {
        const { file, bytes } = write(form.make(key));
        const reads = typeof form.reads === 'function' ? form.reads(key) : form.reads;
        const run = openssl('pkey', '-in', file, '-noout', '-passin', `pass:${PASSPHRASE}`);
        assert.equal(run.ok, reads, `openssl pkey: ${run.output}`);
        const parsed = parsePki(bytes);
        assert.equal(parsed.keys.length > 0, reads, JSON.stringify(parsed.problems));
        assert.equal(parsed.problems.length > 0, !reads, JSON.stringify(parsed.problems));
        const codes = await codesAt({ certificates: { client_cert: pki(KEYS[key]!), key_file: file, key_passphrase: PASSPHRASE } }, '/certificates/key_file');
        assert.equal(codes.includes('unrecognized-content'), !reads, codes.join(', '));
        if (reads) assert.deepEqual(codes.filter((code) => code.startsWith('key-') || code === 'wrong-content-kind'), [], codes.join(', '));
      });
    }
  }
});

describe('what OpenSSL 1.0.2 and 1.1.1 read differently is said on the block', () => {
  test('a byte-order mark OpenSSL 3 drops (1.0.2 and 1.1.1 do not see that BEGIN line)', () => {
    const parsed = parsePki(Buffer.from(BOM + pkiText('root-ca.pem'), 'latin1'));
    assert.equal(parsed.certificates.length, 1);
    assert.ok(pemBlocksOf(BOM + pkiText('root-ca.pem'))[0]!.afterBom);
    assert.equal(pemBlocksOf(pkiText('root-ca.pem'))[0]!.afterBom, undefined);
  });

});

function pemBlocksOf(text: string): PemBlock[] {
  return pemBlocks(text).blocks;
}
