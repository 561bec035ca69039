#!/usr/bin/env node
// Runs the REAL ThingWorx Edge MicroServer (wsems 5.3.4) against every case of test/ems/cases.ts, in a sandbox,
// and writes what it did to test/ems/recorded.json.
//
// NEVER RUN IN CI. CI has no wsems binary: the CI test only reads test/ems/recorded.json. This script is run by
// hand, as root, on Linux x86-64 with the i386 C/C++ runtime installed (see test/ems/README.md):
//
//   npm run build
//   node test/ems/record.mjs --wsems /path/to/wsems [--only name[,name…]] [--jobs 2] [--timeout 4] [--keep] [--out FILE]
//
// The sandbox, for every case: `unshare` gives a private network namespace (loopback only: nothing the EMS does
// can reach a real network), a private mount namespace (tmpfs on /opt, where the EMS writes /opt/thingworx, and
// on /tmp), and a private PID namespace (when the case ends, every process left in it is killed by the kernel).
// The listener that answers on 127.0.0.1:PORT runs inside the same namespace. The EMS runs under `timeout`.
// Only Node built-ins, scripts/pki.mjs (the throw-away RSA certificates of the connect-self-signed-rsa*
// listeners), `unshare`, `ip`, `mount`, `timeout` and `openssl` (the throw-away self-signed certificate) are used.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir, arch, platform, availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportKey, generateKey, makeCertificate } from '../../scripts/pki.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const CASES_JS = join(ROOT, 'out', 'test', 'ems', 'cases.js');
const PKI_DIR = join(ROOT, 'test', 'fixtures', 'pki', 'out');
const OUT_FILE = join(HERE, 'recorded.json');
/** The listener's port. Every case has its own network namespace, so one fixed port never collides. Below 32768 on purpose: 5.3.4 mangles ws_servers ports from 32768 up (see README). */
const PORT = 30443;
const MAX_LOG_LINES = 40;
/** Runs of one case at most; runs thrown away as mixed up at most; runs kept of a case that ends by itself. */
const MAX_RUNS = 16;
const MAX_DAMAGED = 8;
const ENDED_RUNS = 8;
/** Where the case folder is seen inside the sandbox (and by the EMS). */
const CASE_MOUNT = '/opt/case';

/**
 * The TLS listeners: the certificate chain (files, concatenated in this order) and key each one presents, and,
 * for `ca`, the CAs it asks a client certificate of and verifies it against (it records the outcome and never
 * refuses). `{{PKI}}` is the test PKI; `{{CASE}}` the case folder, holding the certificates the recorder makes
 * at run time (`runtime`: copied there from the run folder; their keys are never written anywhere else).
 * The `connect-*` listeners are for the connection-test cases (test/ems/connect-agree.test.ts).
 */
const SERVER_KEY = '{{PKI}}/server-key.pem';
const LISTENERS = {
  plain: null,
  'tls-self-signed': { cert: ['{{CASE}}/self.pem'], key: '{{CASE}}/self-key.pem', runtime: ['self.pem', 'self-key.pem'] },
  'tls-pki': { cert: ['{{PKI}}/server-chain.pem'], key: SERVER_KEY },
  'connect-chain': { cert: ['{{PKI}}/server-chain.pem'], key: SERVER_KEY },
  'connect-leaf-only': { cert: ['{{PKI}}/server.pem'], key: SERVER_KEY },
  'connect-wrong-host': { cert: ['{{PKI}}/wrong-host.pem', '{{PKI}}/intermediate-ca.pem'], key: SERVER_KEY },
  'connect-expired': { cert: ['{{PKI}}/expired.pem', '{{PKI}}/intermediate-ca.pem'], key: SERVER_KEY },
  'connect-self-signed-rsa': { cert: ['{{CASE}}/rsa-self.pem'], key: '{{CASE}}/rsa-self-key.pem', runtime: ['rsa-self.pem', 'rsa-self-key.pem'] },
  'connect-self-signed-rsa-expired': { cert: ['{{CASE}}/rsa-self-expired.pem'], key: '{{CASE}}/rsa-self-key.pem', runtime: ['rsa-self-expired.pem', 'rsa-self-key.pem'] },
  'connect-self-signed-ec': { cert: ['{{PKI}}/self-signed.pem'], key: '{{PKI}}/self-signed-key.pem' },
  'connect-client-auth': { cert: ['{{PKI}}/server-chain.pem'], key: SERVER_KEY, ca: ['{{PKI}}/client-ca.pem'] },
  'connect-client-auth-pki': { cert: ['{{PKI}}/server-chain.pem'], key: SERVER_KEY, ca: ['{{PKI}}/root-ca.pem', '{{PKI}}/intermediate-ca.pem'] },
};

const USAGE = `usage: node test/ems/record.mjs --wsems /path/to/wsems [--only name[,name...]] [--jobs N] [--timeout SECONDS] [--keep] [--out FILE]

Records what the real EMS binary does with each case of test/ems/cases.ts into test/ems/recorded.json.
This is NEVER run in CI (CI has no EMS binary; it only reads recorded.json). Run it by hand, as root, on Linux,
after \`npm run build\`. See test/ems/README.md.`;

// ---- arguments --------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { wsems: undefined, only: undefined, jobs: 2, timeout: 4, keep: false, out: OUT_FILE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--wsems') args.wsems = value();
    else if (a === '--only') args.only = (args.only ?? []).concat(value().split(',').filter(Boolean));
    else if (a === '--jobs') args.jobs = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (a === '--timeout') args.timeout = Math.max(1, Number(value()) || 4);
    else if (a === '--keep') args.keep = true;
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    else fail(`unknown argument ${a}`);
  }
  if (!args.wsems) fail('--wsems is required: this recorder runs the real EMS binary and is never run in CI.');
  return args;
}

function fail(message) {
  console.error(`record.mjs: ${message}\n\n${USAGE}`);
  process.exit(2);
}

// ---- the listener, run inside the sandbox ----------------------------------------------------------------------

// Written to each case's folder and run there with the same node. Appends one JSON line per event to
// listener.jsonl: a connection, its first bytes (raw, before any TLS), the TLS handshake, the first decrypted
// bytes, errors, closes. It never answers the WebSocket upgrade: the first bytes are all the verdict needs.
const LISTENER_SOURCE = String.raw`
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import { Duplex } from 'node:stream';
import { X509Certificate } from 'node:crypto';
const [mode, port, dir] = process.argv.slice(2);
const events = dir + '/listener.jsonl';
const started = Date.now();
const log = (o) => fs.appendFileSync(events, JSON.stringify({ at: Date.now(), ms: Date.now() - started, ...o }) + '\n');
// listener.json (written by the recorder): { cert: [files], key: file, ca?: [files] } for a TLS listener; with
// ca, the listener asks for a client certificate and verifies it against those CAs (but never refuses one: what
// the EMS sent, and whether it verified, is what is recorded).
const spec = mode === 'plain' ? null : JSON.parse(fs.readFileSync(dir + '/listener.json', 'utf8'));
let context = null;
if (spec) {
  const cert = Buffer.concat(spec.cert.map((f) => fs.readFileSync(f)));
  const key = fs.readFileSync(spec.key);
  // Whatever the EMS's TLS library offers is accepted: the listener must never be why a handshake fails.
  context = tls.createSecureContext({ cert, key, minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0', ...(spec.ca ? { ca: spec.ca.map((f) => fs.readFileSync(f)) } : {}) });
}
const VERSIONS = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };
const version = (v) => VERSIONS[v] ?? '0x' + v.toString(16).padStart(4, '0');
// The ClientHello as sent (before Node's TLS sees it): its versions, SNI, cipher suites and extensions.
function clientHello(buf) {
  if (buf.length < 5) return undefined;
  const end = 5 + buf.readUInt16BE(3);
  if (buf.length < end) return undefined;
  try {
    let p = 5;
    if (buf[p] !== 1) return { error: 'handshake type ' + buf[p] };
    p += 4;
    const hello = { recordVersion: version(buf.readUInt16BE(1)), legacyVersion: version(buf.readUInt16BE(p)), sni: null, supportedVersions: null, ciphers: [], compression: [], extensions: [] };
    p += 2 + 32;
    p += 1 + buf[p];
    const cipherBytes = buf.readUInt16BE(p); p += 2;
    for (let i = 0; i < cipherBytes; i += 2) hello.ciphers.push('0x' + buf.readUInt16BE(p + i).toString(16).padStart(4, '0'));
    p += cipherBytes;
    const compressions = buf[p]; p += 1;
    for (let i = 0; i < compressions; i++) hello.compression.push(buf[p + i]);
    p += compressions;
    if (p + 2 <= end) {
      const extEnd = p + 2 + buf.readUInt16BE(p); p += 2;
      while (p + 4 <= extEnd) {
        const type = buf.readUInt16BE(p); const len = buf.readUInt16BE(p + 2); const body = buf.subarray(p + 4, p + 4 + len);
        hello.extensions.push(type);
        if (type === 0 && len >= 5) hello.sni = body.subarray(5, 5 + body.readUInt16BE(3)).toString('latin1');
        if (type === 0 && len < 5) hello.sni = '';
        if (type === 43) { hello.supportedVersions = []; for (let i = 1; i < 1 + body[0]; i += 2) hello.supportedVersions.push(version(body.readUInt16BE(i))); }
        p += 4 + len;
      }
    }
    return hello;
  } catch (e) {
    return { error: e.message };
  }
}
// The client's handshake messages in the clear (TLS 1.2 sends them unencrypted up to ChangeCipherSpec): their
// types, the certificates of its Certificate message, and the length of its CertificateVerify signature. Read
// from the raw bytes, so they are seen even when Node's TLS then fails the handshake.
function clientFlight(id) {
  const cas = spec.ca.flatMap((f) => fs.readFileSync(f, 'latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
  let bytes = Buffer.alloc(0);
  let done = false;
  return (chunk) => {
    if (done) return;
    bytes = Buffer.concat([bytes, chunk]);
    let p = 0;
    let handshake = Buffer.alloc(0);
    let ccs = false;
    while (p + 5 <= bytes.length) {
      const len = bytes.readUInt16BE(p + 3);
      if (p + 5 + len > bytes.length) break;
      if (bytes[p] === 20) { ccs = true; break; }
      if (bytes[p] === 22) handshake = Buffer.concat([handshake, bytes.subarray(p + 5, p + 5 + len)]);
      p += 5 + len;
    }
    if (!ccs && bytes.length < 65536) return;
    done = true;
    const flight = { id, ev: 'clientFlight', messages: [], certificates: null, verifySignatureBytes: null };
    try {
      let q = 0;
      while (q + 4 <= handshake.length) {
        const type = handshake[q]; const len = handshake.readUIntBE(q + 1, 3); const body = handshake.subarray(q + 4, q + 4 + len);
        flight.messages.push(type);
        if (type === 11) {
          flight.certificates = [];
          for (let r = 3; r + 3 <= body.length;) {
            const n = body.readUIntBE(r, 3);
            const c = new X509Certificate(body.subarray(r + 3, r + 3 + n));
            const cn = (dn) => (/(?:^|\n)CN=([^\n]*)/.exec(dn) ?? [])[1] ?? null;
            // Signed by one of the CAs the listener asked for (checked here: Node's TLSSocket over a stream reports no verify result).
            const byCa = cas.some((ca) => c.checkIssued(ca) && c.verify(ca.publicKey));
            flight.certificates.push({ subject: cn(c.subject), issuer: cn(c.issuer), keyType: c.publicKey.asymmetricKeyType, keyBits: c.publicKey.asymmetricKeyDetails?.modulusLength ?? null, issuedByListenerCa: byCa });
            r += 3 + n;
          }
        }
        if (type === 15 && body.length >= 4) flight.verifySignatureBytes = body.readUInt16BE(2);
        q += 4 + len;
      }
    } catch (e) {
      flight.error = e.message;
    }
    log(flight);
  };
}
// The HTTP upgrade request's head (up to the blank line), with the appKey and the random WebSocket key blanked.
function headRecorder(id) {
  let text = '';
  let done = false;
  return (chunk) => {
    if (done) return;
    text += chunk.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0 && text.length < 4096) return;
    done = true;
    const lines = (end < 0 ? text : text.slice(0, end)).split('\r\n')
      .map((l) => l.replace(/^(appKey\s*:\s*).*$/i, '$1<redacted>').replace(/^(Sec-WebSocket-Key\s*:\s*).*$/i, '$1<random>'));
    log({ id, ev: 'head', lines, complete: end >= 0 });
  };
}
let count = 0;
const server = net.createServer((socket) => {
  const id = ++count;
  log({ id, ev: 'connect' });
  socket.on('error', (e) => log({ id, ev: 'socketError', msg: e.message }));
  socket.on('close', () => log({ id, ev: 'socketClose' }));
  socket.once('data', (first) => {
    log({ id, ev: 'first', hex: first.subarray(0, 16).toString('hex'), text: first.subarray(0, 48).toString('latin1') });
    if (!context || first[0] !== 0x16) {
      const head = headRecorder(id);
      head(first);
      socket.on('data', head);
      return;
    }
    let helloBytes = first;
    let helloDone = false;
    const hello = (d) => {
      if (helloDone) return;
      if (d !== first) helloBytes = Buffer.concat([helloBytes, d]);
      const h = clientHello(helloBytes);
      if (h !== undefined || helloBytes.length > 65536) { helloDone = true; log({ id, ev: 'clientHello', ...(h ?? { error: 'incomplete' }) }); }
    };
    hello(first);
    // The client's second flight (Certificate, ClientKeyExchange, CertificateVerify): only when it was asked for a certificate.
    const flight = spec.ca ? clientFlight(id) : () => {};
    // TLS over a JS stream fed with the bytes already read (a TLSSocket over the net.Socket itself would read
    // its handle directly and miss them).
    const raw = new Duplex({
      read() {},
      write(chunk, _encoding, done) { socket.write(chunk, done); },
      final(done) { socket.end(); done(); },
    });
    raw.push(first);
    socket.on('data', (d) => { const afterHello = helloDone; hello(d); if (afterHello) flight(d); raw.push(d); });
    socket.on('end', () => raw.push(null));
    socket.on('close', () => raw.destroy());
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context, ...(spec.ca ? { requestCert: true, rejectUnauthorized: false } : {}) });
    secure.on('secure', () => {
      const o = { id, ev: 'secure', protocol: secure.getProtocol(), cipher: secure.getCipher()?.name };
      log(o);
    });
    secure.once('data', (data) => log({ id, ev: 'data', text: data.subarray(0, 48).toString('latin1') }));
    secure.on('data', headRecorder(id));
    secure.on('error', (e) => log({ id, ev: 'tlsError', msg: e.message }));
    secure.on('close', () => log({ id, ev: 'tlsClose' }));
  });
});
server.listen(Number(port), '127.0.0.1', () => fs.writeFileSync(dir + '/ready', ''));
process.on('SIGTERM', () => process.exit(0));
`;

// The sandbox's inner script, run by `sh` as PID 1 of the new PID namespace. Values come in the environment.
const SANDBOX_SCRIPT = String.raw`
set -u
ip link set lo up || exit 90
mount -t tmpfs -o size=64m tmpfs /opt || exit 91
mkdir -p /opt/case /opt/bin || exit 92
mount --bind "$CASE_DIR" /opt/case || exit 92
cp "$WSEMS" /opt/bin/wsems && chmod 755 /opt/bin/wsems || exit 93
mount -t tmpfs -o size=64m tmpfs /tmp || exit 94
cd /opt/case || exit 95
if [ "$LISTENER" != none ]; then
  "$NODE_BIN" /opt/case/listener.mjs "$LISTENER" "$PORT" /opt/case >/opt/case/listener.log 2>&1 &
  i=0
  while [ ! -e /opt/case/ready ]; do
    i=$((i+1)); [ $i -gt 200 ] && { echo "listener never became ready" >&2; exit 96; }
    sleep 0.05
  done
fi
date +%s%3N >/opt/case/ems.start
# strace only delays the process's end (exit_group, and the tgkill of abort()) by 0.3 s, so that the EMS's
# logger thread can write what is queued; --seccomp-bpf leaves every other system call untraced.
timeout -k 2 "$EMS_TIMEOUT" $EMS_PIN strace -f --seccomp-bpf -qq -o /dev/null -e trace=exit_group,tgkill \
  -e inject=exit_group,tgkill:delay_enter=300000 /opt/bin/wsems $EMS_ARGS >/opt/case/ems.out 2>/opt/case/ems.err
echo $? >/opt/case/ems.rc
date +%s%3N >/opt/case/ems.end
sleep 0.3
exit 0
`;

/** Runs one sandbox; resolves with the case folder's files. */
function sandbox({ dir, wsems, listener, emsArgs, timeout, cpu = null }) {
  writeFileSync(join(dir, 'listener.mjs'), LISTENER_SOURCE);
  const spec = LISTENERS[listener];
  if (spec) {
    const path = (f) => f.split('{{PKI}}').join(PKI_DIR).split('{{CASE}}').join(CASE_MOUNT);
    writeFileSync(join(dir, 'listener.json'), JSON.stringify({ cert: spec.cert.map(path), key: path(spec.key), ...(spec.ca ? { ca: spec.ca.map(path) } : {}) }));
  }
  writeFileSync(join(dir, 'sandbox.sh'), SANDBOX_SCRIPT);
  return new Promise((resolvePromise, reject) => {
    const child = spawn('unshare', ['--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', 'sh', join(dir, 'sandbox.sh')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        CASE_DIR: dir, WSEMS: wsems, NODE_BIN: process.execPath, LISTENER: listener, PORT: String(PORT),
        PKI: PKI_DIR, EMS_TIMEOUT: String(timeout), EMS_ARGS: emsArgs, EMS_PIN: cpu === null ? '' : `taskset -c ${cpu}`,
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', () => {});
    // The outer guard: the EMS's own timeout plus its kill grace plus slack. SIGKILL to unshare kills the
    // namespace's PID 1 (--kill-child), and with it everything in the namespace.
    const guard = setTimeout(() => child.kill('SIGKILL'), (timeout + 10) * 1000);
    child.on('error', (e) => { clearTimeout(guard); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : null);
      const rc = read('ems.rc');
      if (code !== 0 || rc === null) {
        reject(new Error(`sandbox failed (exit ${code ?? signal}): ${stderr.trim() || '(no output)'}`));
        return;
      }
      resolvePromise({
        rc: Number.parseInt(rc.toString('utf8').trim(), 10),
        endedAt: Number.parseInt((read('ems.end') ?? '0').toString().trim(), 10),
        out: (read('ems.out') ?? Buffer.alloc(0)).toString('latin1'),
        err: (read('ems.err') ?? Buffer.alloc(0)).toString('latin1'),
        events: (read('listener.jsonl') ?? Buffer.alloc(0)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
        listenerLog: (read('listener.log') ?? Buffer.alloc(0)).toString('utf8'),
      });
    });
  });
}

// ---- reading the EMS's output ----------------------------------------------------------------------------------

const LEVELS = 'TRACE|DEBUG|INFO |WARN |ERROR|FATAL|FORCE|AUDIT';
// The milliseconds are not zero-padded: "05:55:16,2" is 2 ms past the second.
const RECORD_START = new RegExp(`(?=\\[(?:${LEVELS})\\] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{1,3} )`);
const RECORD = new RegExp(`^\\[(${LEVELS})\\] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{1,3} ([^\\n]*)`);

/**
 * The log records, in order, as { level, text }. The EMS also prints "127.0.0.1:PORT-->" to stdout, without a
 * newline, on every connection attempt: that noise sits between records and is dropped by taking each record
 * up to its newline only.
 */
function records(text) {
  const out = [];
  for (const chunk of text.replace(/\0/g, '').split(RECORD_START)) {
    const m = RECORD.exec(chunk);
    if (m) out.push({ level: m[1].trim(), text: m[2].replace(/\r$/, '') });
  }
  return out;
}

const LOOKUP = /^jsonConfigurator::get(\w+): Key = (.*), Parent = (.*)$/;
const KEY_NOT_FOUND = /^jsonConfigurator::getValueByType: Key (.*) not found$/;
const PARENT_NOT_FOUND = /^jsonConfigurator::getValueByType: Parent (.*) not found$/;
const INVALID_TYPE = /^jsonConfigurator::getValueByType: Invalid Type: (\d+)$/;

/**
 * Looked-up keys and found keys, from the TRACE records. A look-up is
 *   `jsonConfigurator::get<Type>: Key = <key>, Parent = <parent>`   (parent empty for the top level)
 * and it was NOT found when the next matching record of getValueByType says
 *   `jsonConfigurator::getValueByType: Key <key> not found`   or   `... Parent <parent> not found`.
 * A value of the wrong JSON type for getBoolean is followed instead by
 *   `jsonConfigurator::getValueByType: Invalid Type: <cJSON type>`   (4 = a string), and the value is not used.
 * Found = looked up, followed by neither, and followed by some record (the log may end mid-pair). (getString of a non-string, e.g. encryption false, logs nothing:
 * it counts as found, although the EMS does not use the value.) A found value logs nothing more. A not-found
 * record is paired with the latest earlier look-up, still unpaired, of the same key (or parent), so interleaved
 * records from another thread do not confuse the pairing; an Invalid Type record with the latest look-up.
 */
function lookups(recs) {
  const seen = [];
  for (const [index, r] of recs.entries()) {
    // Look-ups and not-found records are TRACE; "Invalid Type" is logged as ERROR.
    if (!r.text.startsWith('jsonConfigurator::')) continue;
    const m = LOOKUP.exec(r.text);
    if (m) {
      seen.push({ key: m[2], parent: m[3], name: m[3] ? `${m[3]}.${m[2]}` : m[2], missing: false, paired: false, index });
      continue;
    }
    if (INVALID_TYPE.test(r.text)) {
      const last = seen[seen.length - 1];
      if (last && !last.paired) { last.paired = true; last.missing = true; }
      continue;
    }
    const byKey = KEY_NOT_FOUND.exec(r.text);
    const byParent = byKey ? null : PARENT_NOT_FOUND.exec(r.text);
    if (!byKey && !byParent) continue;
    for (let i = seen.length - 1; i >= 0; i--) {
      const s = seen[i];
      if (s.paired) continue;
      if (byKey ? s.key === byKey[1] : s.parent === byParent[1]) {
        s.paired = true;
        s.missing = true;
        break;
      }
    }
  }
  // The log can end right after a look-up (the process exited or crashed before its logger thread wrote the
  // rest): with no record after it, silence is no evidence, so such a look-up is not counted as found.
  const last = recs.length - 1;
  const lookedUp = new Set(seen.map((s) => s.name));
  const found = new Set(seen.filter((s) => !s.missing && s.index < last).map((s) => s.name));
  return { lookedUp: [...lookedUp].sort(), found: [...found].sort() };
}

// 5.3.4 formats every log message in one buffer that all threads share. When the HTTP server thread logs
// while the main thread reads the configuration, the two messages get mixed ("Key = key_passphrase, Pare8000.",
// "httpServer: Key = client_cert, Parent 8000."): about one run in eight. Such a run cannot be read reliably, so
// it is detected here and repeated. Damage shows as a configurator record outside this strict grammar (names are
// letters and underscores only, no digits or blanks), or an HTTP server record that is not one of its two.
const CONFIGURATOR_RECORD = [
  /^jsonConfigurator::get[A-Za-z]+: Key = [A-Za-z_]+, Parent = [A-Za-z_]*$/,
  /^jsonConfigurator::(getValueByType|getJsonEntity): (Key|Parent) [A-Za-z_]+ not found$/,
  /^jsonConfigurator::getValueByType: Invalid Type: \d+$/,
  /^jsonConfigurator::initialize: (Finished initializng configuration|Error parsing JSON\.|Error reading file\. Error: [^[]*\[[^\]]*\])$/,
  /^jsonConfiguration::initialize: Error parsing JSON - top level type must be 'Object'$/,
  /^jsonConfigurator::~jsonConfigurator: Deleting JSON object$/,
];
const HTTP_SERVER_RECORD = /^httpServer: (starting http server port=\d+|http server bound to port=\d+\.)$/;

/** Why these records look mixed up by the shared-buffer race, or null when they look whole. */
function damage(recs) {
  for (const r of recs) {
    if (/^jsonConfigur/.test(r.text) && !CONFIGURATOR_RECORD.some((g) => g.test(r.text))) return r.text;
    if (/^httpServer:/.test(r.text) && !HTTP_SERVER_RECORD.test(r.text)) return r.text;
  }
  return null;
}

/** Makes a line stable across machines and runs: the PKI folder and the port become their placeholders. */
function stable(line) {
  return line.split(PKI_DIR).join('{{PKI}}').split(`:${PORT}`).join(':{{PORT}}').split(`=${PORT}`).join('={{PORT}}').split(` ${PORT}`).join(' {{PORT}}');
}

function verdict(run, listener) {
  const recs = records(run.out + '\n' + run.err);
  const all = recs.map((r) => r.text);
  const terminate = (run.out + '\n' + run.err).split('\n').map((l) => l.replace(/\0/g, '').trim()).filter((l) => l.startsWith('terminate called'));

  // Loading: "Error parsing JSON" (or its top-level-type form) is logged per file tried; the first such record
  // before any "Trying .booted" record is about config.json itself.
  const bootedAt = all.findIndex((t) => /Trying \.booted config file/i.test(t));
  const parseErrors = all.map((t, i) => (/Error parsing JSON/i.test(t) ? i : -1)).filter((i) => i >= 0);
  const parsed = !parseErrors.some((i) => bootedAt < 0 || i < bootedAt);
  // The file it went on with: "main: Using config file /opt/case/config.json.booted" (FORCE, no colon).
  const usedBooted = all.some((t) => /Using config file:? \S*config\.json\.booted\s*$/.test(t));

  // Outcome, from the exit status `timeout` passed on: 124 = it timed out (still running), 137 = it had to be
  // killed after the grace period (still running too); above 128 otherwise = killed by a signal.
  let outcome;
  let exitCode = null;
  if (run.rc === 124 || run.rc === 137) outcome = 'ran';
  else if (run.rc > 128 || terminate.length > 0) outcome = 'crashed';
  else { outcome = 'exited'; exitCode = run.rc; }

  // Transport: the first bytes of the first connection that sent anything.
  const firsts = run.events.filter((e) => e.ev === 'first');
  let transport = 'none';
  // Plain is any HTTP GET: the path is resource (GET /Thingworx/WS by default; "GET  HTTP/1.1" with resource 5).
  const kinds = firsts.map((e) => (e.hex.startsWith('1603') ? 'tls' : e.text.startsWith('GET ') ? 'plain' : `other:${e.hex}`));
  if (kinds.length > 0) {
    const odd = kinds.find((k) => k.startsWith('other:'));
    if (odd) throw new Error(`the listener got bytes that are neither a TLS ClientHello nor GET /Thingworx/WS: ${odd}`);
    if (new Set(kinds).size > 1) throw new Error(`the EMS spoke both TLS and plain HTTP: ${kinds.join(', ')}`);
    transport = kinds[0];
  }

  // Server certificate (TLS listeners only, and only when TLS reached them): accepted when the EMS sent its
  // HTTP upgrade request inside TLS; refused when it aborted without sending it: a TLS alert, an error of its TLS
  // client in the log ("twTlsClient_Connect: ... Invalid certificate", "... does not match expected ..."), or
  // closing the connection itself (before it was stopped, or by exiting). Otherwise null: with cert_chain naming
  // a leaf the EMS spins in axTLS x509_verify() after the handshake, sends nothing and closes nothing until it is
  // killed; that is neither.
  let serverCertificate = null;
  if (listener !== 'plain' && transport === 'tls') {
    const sentRequest = run.events.some((e) => e.ev === 'data' && e.text.startsWith('GET '));
    const stoppedAt = outcome === 'ran' ? run.endedAt : Number.POSITIVE_INFINITY;
    const closedByEms = run.events.some((e) => (e.ev === 'tlsClose' || e.ev === 'socketClose') && e.at < stoppedAt - 250);
    const alert = run.events.some((e) => e.ev === 'tlsError' && /alert/i.test(e.msg));
    const tlsError = all.some((t) => /^SDK: twTlsClient_\w+: /.test(t) && recs.some((r) => r.text === t && r.level === 'ERROR'));
    if (sentRequest) serverCertificate = 'accepted';
    else if (alert || tlsError || closedByEms) serverCertificate = 'refused';
  }

  const { lookedUp, found } = lookups(recs);
  const log = [];
  for (const r of recs) {
    if (r.level !== 'ERROR' && r.level !== 'WARN' && r.level !== 'FATAL') continue;
    const line = stable(`${r.level} ${r.text}`.trimEnd());
    if (!log.includes(line)) log.push(line);
  }
  for (const t of terminate) if (!log.includes(t)) log.push(t);

  const v = { parsed, usedBooted, outcome, exitCode, transport, serverCertificate, lookedUp, found, log: log.slice(0, MAX_LOG_LINES), ...listenerView(run, listener, recs, transport) };
  // "Main: Exiting...." yet still running at the timeout: the shutdown race (see runCase).
  const hungOnExit = outcome === 'ran' && all.some((t) => /^Main: Exiting/.test(t));
  return { v, hungOnExit, damaged: damage(recs), records: recs.length };
}

/**
 * What the listener saw, and what the EMS logged about TLS and certificates: the optional Verdict fields (see
 * README, "Verdict fields"). From the first connection that sent a ClientHello (the EMS retries the same way).
 */
/** An OpenSSL error message of the listener without what varies by machine and run: its thread id, error code and source location. */
function openSslError(msg) {
  return msg.trim().replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').replace(/:[^:]*\.c:\d+:?$/, '');
}

function listenerView(run, listener, recs, transport) {
  const view = {};
  const heads = run.events.filter((e) => e.ev === 'head');
  view.upgradeRequest = heads.length > 0 ? heads[0].lines : null;
  if (listener === 'plain' || transport !== 'tls') return view;
  const hello = run.events.find((e) => e.ev === 'clientHello');
  const id = hello?.id;
  const of = (ev) => run.events.find((e) => e.ev === ev && (id === undefined || e.id === id));
  if (hello && hello.error) throw new Error(`the listener could not read the ClientHello: ${hello.error}`);
  const rank = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const offered = hello ? (hello.supportedVersions ?? [hello.legacyVersion]) : [];
  view.clientHello = hello
    ? {
      sni: hello.sni,
      recordVersion: hello.recordVersion,
      legacyVersion: hello.legacyVersion,
      supportedVersions: hello.supportedVersions,
      maxVersion: offered.reduce((a, b) => (rank.indexOf(b) > rank.indexOf(a) ? b : a), offered[0] ?? null),
      ciphers: hello.ciphers,
      extensions: hello.extensions,
    }
    : null;
  const secure = of('secure');
  view.negotiated = secure ? { protocol: secure.protocol, cipher: secure.cipher } : null;
  if (LISTENERS[listener]?.ca) {
    // What the client sent is read from its handshake messages in the clear (seen even when the handshake then
    // fails). verified: its first certificate was issued by one of the listener's CAs and the handshake (so its
    // CertificateVerify signature) completed.
    const flight = of('clientFlight');
    if (flight?.error) throw new Error(`the listener could not read the client's handshake messages: ${flight.error}`);
    const chain = flight?.certificates ?? [];
    view.clientCertificate = {
      sent: chain.length > 0,
      subject: chain[0]?.subject ?? null,
      chain,
      verifySignatureBytes: flight?.verifySignatureBytes ?? null,
      handshakeMessages: flight?.messages ?? null,
      verified: chain.length > 0 && chain[0].issuedByListenerCa === true && secure !== undefined,
    };
  }
  view.listenerErrors = [...new Set(run.events.filter((e) => e.ev === 'tlsError' && (id === undefined || e.id === id)).map((e) => openSslError(e.msg)))];
  // Every record of the EMS's TLS client and its certificate handling, at any level (DEBUG and TRACE too),
  // other than the configurator's look-ups.
  const lines = [];
  for (const r of recs) {
    if (/^jsonConfigur/.test(r.text)) continue;
    if (!/tls|ssl|x509|cert|verif|self.?signed|passphrase|key_file|handshake/i.test(r.text)) continue;
    const line = stable(`${r.level} ${r.text}`.trimEnd());
    if (!lines.includes(line)) lines.push(line);
  }
  view.certificateLog = lines.slice(0, MAX_LOG_LINES);
  return view;
}

// ---- main -----------------------------------------------------------------------------------------------------

function preflight(args) {
  if (platform() !== 'linux' || arch() !== 'x64') fail('needs Linux x86-64 (the EMS is a 32-bit x86 binary).');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) fail('needs root (unshare of network, mount and PID namespaces).');
  for (const tool of ['unshare', 'ip', 'timeout', 'taskset', 'strace', 'openssl', 'mount']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) fail(`${tool} is not on PATH.`);
  }
  if (!existsSync(args.wsems)) fail(`no such file: ${args.wsems}`);
  if (!existsSync(CASES_JS)) fail(`${CASES_JS} is missing: run \`npm run build\` first.`);
  if (!existsSync(join(PKI_DIR, 'root-ca.pem'))) {
    console.log('making the test PKI (test/fixtures/pki/out)');
    const r = spawnSync(process.execPath, [join(ROOT, 'test', 'fixtures', 'make-pki.mjs'), PKI_DIR], { stdio: 'inherit' });
    if (r.status !== 0) fail('make-pki.mjs failed.');
  }
}

function makeSelfSigned(dir) {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7',
    '-subj', '/CN=127.0.0.1/O=EMS recorder self-signed', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(dir, 'self-key.pem'), '-out', join(dir, 'self.pem')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
}

/**
 * The certificates made at run time for the connect-self-signed-rsa* listeners: one RSA 2048 key, self-signed
 * for CN 127.0.0.1 (SANs 127.0.0.1, localhost) twice, with the same generator: valid now (-1 .. +7 days) and
 * expired (-30 .. -1 days). axTLS, 5.3.4's TLS library, offers RSA key exchange only, so the test PKI's EC
 * self-signed.pem cannot tell whether expiry is checked. Written to the run folder (deleted afterwards), never
 * into the repository.
 */
async function makeRuntimeCertificates(dir) {
  const DAY = 86_400_000;
  const now = Date.now();
  const key = generateKey('rsa-2048');
  const make = (from, to) => makeCertificate({ cn: '127.0.0.1', key, notBefore: new Date(now + from * DAY), notAfter: new Date(now + to * DAY), sans: ['127.0.0.1', 'localhost'] });
  writeFileSync(join(dir, 'rsa-self.pem'), (await make(-1, 7)).pem);
  writeFileSync(join(dir, 'rsa-self-expired.pem'), (await make(-30, -1)).pem);
  writeFileSync(join(dir, 'rsa-self-key.pem'), exportKey(key), { mode: 0o600 });
}

async function emsVersion(wsems, runDir) {
  const dir = mkdtempSync(join(runDir, 'version-'));
  const run = await sandbox({ dir, wsems, listener: 'none', emsArgs: '-version', timeout: 5 });
  const m = /version (\d+\.\d+\.\d+\.\d+)/.exec(run.out + run.err);
  if (!m) throw new Error(`wsems -version printed no version: ${run.out}${run.err}`);
  return m[1];
}

async function runCase(c, args, runDir, cpu) {
  const dir = mkdtempSync(join(runDir, `${c.name}-`));
  try {
    const fill = (text) => text.split('{{PORT}}').join(String(PORT)).split('{{PKI}}').join(PKI_DIR);
    writeFileSync(join(dir, 'config.json'), fill(c.config));
    if (c.booted !== undefined) writeFileSync(join(dir, 'config.json.booted'), fill(c.booted));
    const listener = c.listener ?? 'plain';
    if (!(listener in LISTENERS)) throw new Error(`unknown listener ${listener}`);
    for (const f of LISTENERS[listener]?.runtime ?? []) copyFileSync(join(runDir, f), join(dir, f));
    chmodSync(dir, 0o755);
    // One run is not always enough, for three reasons, all of them races inside the EMS:
    //  1. Its log messages are formatted in one buffer shared by all threads; when the HTTP server thread logs
    //     while the main thread reads the configuration, the records get mixed (see damage()). Such a run is
    //     thrown away and repeated (pinning the EMS to one CPU with taskset makes this rare).
    //  2. It logs through a thread of its own (one write() per record): when the process exits or aborts, what
    //     that thread has not written yet is lost, anywhere from none to all of the log. The sandbox delays the
    //     end under strace, which makes a crash's log complete; but on some exits (http_server.port 0) the logger
    //     thread stops before it has written its queue. So a case that ends by itself (exited or crashed) is run
    //     several times and the run whose log went furthest is kept: the records are the same start-up sequence,
    //     only cut shorter. Pinned runs lose more, so these runs alternate.
    //  3. When it gives up at start-up it logs "Main: Exiting...." and then, in about a third of the runs (most
    //     of them when pinned), hangs in HttpServer::stop() until killed. Such a run's log is complete (the logger
    //     thread lived on); the outcome and exit code are taken from a run that did exit.
    const notes = [];
    const ended = [];
    let damagedRuns = 0;
    let pin = cpu;
    for (let attempt = 0; attempt < MAX_RUNS; attempt++) {
      for (const f of ['ems.out', 'ems.err', 'ems.rc', 'ems.start', 'ems.end', 'listener.jsonl', 'listener.log', 'ready']) rmSync(join(dir, f), { force: true });
      const run = await sandbox({ dir, wsems: resolve(args.wsems), listener, emsArgs: '-cfg /opt/case/config.json -loglevel TRACE', timeout: args.timeout, cpu: pin });
      const r = verdict(run, listener);
      if (r.damaged) {
        notes.push(`mixed-up log: ${JSON.stringify(r.damaged)}`);
        if (++damagedRuns >= MAX_DAMAGED) throw new Error(`${MAX_DAMAGED} runs' logs were mixed up by the shared-buffer race (${notes.join('; ')})`);
        pin = cpu;
        continue;
      }
      if (!r.hungOnExit && r.v.outcome === 'ran') return { verdict: r.v, notes };
      ended.push(r);
      pin = pin === null ? cpu : null;
      const exits = ended.filter((e) => !e.hungOnExit);
      const complete = ended.some((e) => e.hungOnExit) && exits.length > 0;
      if (complete || exits.length >= ENDED_RUNS) break;
    }
    if (ended.length === 0) throw new Error(`no usable run in ${MAX_RUNS} (${notes.join('; ')})`);
    const exits = ended.filter((e) => !e.hungOnExit);
    const outcomes = new Set(exits.map((e) => `${e.v.outcome}/${e.v.exitCode}`));
    if (outcomes.size > 1) throw new Error(`the outcome varies between runs: ${[...outcomes].join(', ')}`);
    const longest = ended.reduce((a, b) => (b.records > a.records ? b : a));
    const hung = ended.length - exits.length;
    if (exits.length === 0) {
      notes.push(`hung on exit in all ${hung} runs: recorded as ran`);
      return { verdict: longest.v, notes };
    }
    notes.push(`${exits[0].v.outcome} ${exits.length}x${hung ? `, hung on exit ${hung}x` : ''}; kept the longest log (${longest.records} records)`);
    return { verdict: { ...longest.v, outcome: exits[0].v.outcome, exitCode: exits[0].v.exitCode }, notes };
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  preflight(args);
  const mod = await import(pathToFileURL(CASES_JS).href);
  const cases = mod.EMS_CASES ?? mod.default?.EMS_CASES;
  if (!Array.isArray(cases)) fail(`${CASES_JS} exports no EMS_CASES`);
  const names = new Set();
  for (const c of cases) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.name)) throw new Error(`case name not kebab-case: ${c.name}`);
    if (names.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
    names.add(c.name);
  }
  for (const n of args.only ?? []) if (!names.has(n)) fail(`no case named ${n}`);
  const selected = args.only ? cases.filter((c) => args.only.includes(c.name)) : cases;

  const runDir = mkdtempSync(join(tmpdir(), 'ems-record-'));
  chmodSync(runDir, 0o755);
  const cleanup = () => { if (!args.keep) rmSync(runDir, { recursive: true, force: true }); };
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  process.on('SIGTERM', () => { cleanup(); process.exit(143); });
  try {
    const started = Date.now();
    makeSelfSigned(runDir);
    await makeRuntimeCertificates(runDir);
    const ems = await emsVersion(resolve(args.wsems), runDir);
    console.log(`wsems ${ems}: ${selected.length} case(s), ${args.jobs} at a time, ${args.timeout} s each${args.keep ? `, kept in ${runDir}` : ''}`);
    const results = new Map();
    const failures = [];
    let next = 0;
    // Each worker pins its EMS to one CPU (taskset): its threads then rarely run at the same instant, which makes
    // the shared-buffer race (see damage()) rare. The behaviour recorded is the same program's.
    const cpus = availableParallelism();
    const worker = async (index) => {
      while (next < selected.length) {
        const c = selected[next++];
        try {
          const { verdict: v, notes } = await runCase(c, args, runDir, index % cpus);
          results.set(c.name, v);
          const seen = v.clientHello ? ` sni=${v.clientHello.sni === null ? '-' : JSON.stringify(v.clientHello.sni)} max=${v.clientHello.maxVersion} ${v.negotiated ? `${v.negotiated.protocol}/${v.negotiated.cipher}` : 'no-handshake'}${v.clientCertificate !== undefined ? ` client=${v.clientCertificate.chain.map((c) => `${c.subject}(${c.keyType}${c.keyBits ?? ''})`).join('+') || 'none'} sig=${v.clientCertificate.verifySignatureBytes ?? '-'}` : ''}` : '';
          console.log(`${c.name.padEnd(44)} parsed=${v.parsed} ${v.outcome}${v.exitCode === null ? '' : `(${v.exitCode})`} ${v.transport} ${v.serverCertificate ?? '-'}${seen}${notes.length ? ` [repeated: ${notes.join('; ')}]` : ''}`);
        } catch (e) {
          failures.push(`${c.name}: ${e.message}`);
          console.error(`${c.name}: FAILED: ${e.message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.jobs, selected.length) }, (_, index) => worker(index)));
    if (failures.length > 0) {
      console.error(`\n${failures.length} case(s) failed; recorded.json left unchanged:\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
      return;
    }

    // With --only, the other cases keep their earlier verdicts; cases no longer in cases.ts are dropped.
    const previous = args.only && existsSync(args.out) ? JSON.parse(readFileSync(args.out, 'utf8')).cases ?? {} : {};
    const ordered = {};
    for (const c of cases) {
      const v = results.get(c.name) ?? previous[c.name];
      if (v) ordered[c.name] = v;
    }
    const osRelease = existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
    // recordedAt: when the EMS judged the certificates (by the real clock), to the minute. With --only the
    // earlier cases were judged earlier; the file keeps the earliest time.
    const startedAt = `${new Date(started).toISOString().slice(0, 16)}:00Z`;
    const previousAt = args.only && existsSync(args.out) ? JSON.parse(readFileSync(args.out, 'utf8')).recordedAt : undefined;
    const out = {
      ems: ems,
      recordedWith: 'test/ems/record.mjs',
      recordedAt: typeof previousAt === 'string' && previousAt < startedAt ? previousAt : startedAt,
      platform: `linux x86-64${osRelease ? `, ${osRelease}` : ''}, i386 libc6/libstdc++6; listener node ${process.versions.node} (OpenSSL ${process.versions.openssl})`,
      cases: ordered,
    };
    writeFileSync(args.out, `${JSON.stringify(out, null, 2)}\n`);
    const missing = cases.filter((c) => !ordered[c.name]).map((c) => c.name);
    console.log(`\nwrote ${args.out} (${Object.keys(ordered).length} cases${missing.length ? `; not yet recorded: ${missing.join(', ')}` : ''})`);
  } finally {
    cleanup();
  }
}

await main();
