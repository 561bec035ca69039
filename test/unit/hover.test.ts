// Hovers over real checks of real files (test/fixtures/make-pki.mjs): what a user sees on a key (its
// documentation and the target release's verdict) and on a value that names a file (what is in the file),
// bounded for big bundles and free of secrets.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../server/src/service';
import { hover } from '../../server/src/service/features/hover';
import type { Settings } from '../../server/src/service/types';
import { base64Lines, DAY, NOW, PASSPHRASE, pemBundle, pkiText } from '../helpers/pki';
import { AES, BASE, fixtures, GUID, hoverOn, MEMORY_HOME, MEMORY_PKI, memoryPki as pki, memoryService } from '../helpers/service';

// An EMS home in memory (/ems/etc/config.json) with a CA list beside the config; the whole test PKI in /pki.
const home = MEMORY_HOME;
/** 150 certificates: the fixture CAs and leaves, over and over, as a CA list from a corporate store. */
const bundle = path.posix.join(home, 'bundle-150.pem');
const memory = memoryService({
  files: {
    ...fixtures(MEMORY_PKI),
    [path.posix.join(home, 'etc', 'certs', 'ca-list.pem')]: 'ca-list.pem',
    [bundle]: Buffer.from(pemBundle(['root-ca.pem', 'intermediate-ca.pem', 'ec-p256-ca.pem', 'ed25519-ca.pem', 'server.pem', 'expired.pem'], 150)),
  },
});

async function check(groups: Record<string, unknown>, settings: Partial<Settings> = {}, raw?: string): Promise<CheckResult> {
  return memory.check(raw ?? JSON.stringify({ ...BASE, ...groups }, null, 2), settings);
}

const key = (name: string) => `"${name}":`;
const value = (v: string) => JSON.stringify(v);
const daysUntil = (date: string) => Math.floor((new Date(date).getTime() - NOW.getTime()) / DAY);

describe('hover on a key', () => {
  test('http_client_ca_certs: its doc, type, example, and that 5.4.7 does not read it yet', async () => {
    const checked = await check({ certificates: { http_client_ca_certs: pki('ca-list.pem') } }, { emsVersion: '5.4.7' });
    const text = hoverOn(checked, key('http_client_ca_certs'));
    assert.match(text, /`certificates\.http_client_ca_certs` — string/);
    assert.match(text, /\*\*Trust\*\* for edge HTTPS only/);
    assert.match(text, /Example: `"\/opt\/thingworx\/microserver\/etc\/certs\/edge-ca-list\.pem"`/);
    assert.match(text, /Read from EMS 5\.4\.8 — not by 5\.4\.7, your target/);
    const later = hoverOn(await check({ certificates: { http_client_ca_certs: pki('ca-list.pem') } }, { emsVersion: '5.4.8' }), key('http_client_ca_certs'));
    assert.match(later, /Read from EMS 5\.4\.8 \(your target 5\.4\.8 reads it\)/);
  });

  test('cert_chain: trust vs identity stays visible, string or array, and the string form\'s release', async () => {
    const text = hoverOn(await check({ certificates: { cert_chain: pki('ca-list.pem') } }, { emsVersion: '5.3.4' }), key('cert_chain'));
    assert.match(text, /— string or array of strings/);
    assert.match(text, /\*\*Trust\*\*: the CA certificate\(s\)/);
    assert.match(text, /As a string: \*\*read from EMS 5\.4\.0 — not by 5\.3\.4, your target/);
    const identity = hoverOn(await check({ certificates: { client_cert: pki('server.pem'), key_file: pki('server-key.pem') } }), key('key_file'));
    assert.match(identity, /\*\*Identity\*\*: private key of `client_cert`/);
  });

  test('a removed key: the release that dropped it and what replaced it, judged against the target', async () => {
    const groups = { http_server: { host: '127.0.0.1', use_default_certificate: false } };
    const removed = hoverOn(await check(groups), key('use_default_certificate'));
    assert.match(removed, /Removed in EMS 5\.4\.5 \(your target 5\.5\.0 does not read it\)\*\*: the built-in certificate is gone/);
    assert.match(removed, /Default: `false`/);
    const still = hoverOn(await check(groups, { emsVersion: '5.4.0' }), key('use_default_certificate'));
    assert.match(still, /Removed in EMS 5\.4\.5; your target 5\.4\.0 still reads it/);
  });

  test('default, allowed values and range', async () => {
    const checked = await check({ logger: { level: 'INFO' }, http_server: { host: '127.0.0.1', port: 8443 } });
    const level = hoverOn(checked, key('level'));
    assert.match(level, /Default: `"WARN"`/);
    assert.match(level, /Allowed: `"AUDIT"`, `"ERROR"`, `"WARN"`, `"INFO"`, `"DEBUG"`, `"TRACE"`/);
    const port = hoverOn(checked, key('port'), 1);
    assert.match(port, /`http_server\.port` — whole number/);
    assert.match(port, /Range: 1–65535/);
    assert.match(port, /Default: `8000`/);
  });

  test('a group\'s release applies to the keys inside it', async () => {
    const text = hoverOn(await check({ fips: { enabled: false } }, { emsVersion: '5.3.4' }), key('enabled'));
    assert.match(text, /The `fips` group: \*\*read from EMS 5\.4\.0 — not by 5\.3\.4, your target/);
  });

  test('keys match ignoring case, and the hover names the documented spelling', async () => {
    const checked = await check({}, {}, JSON.stringify({ ws_servers: BASE.ws_servers, appkey: GUID }, null, 2));
    const text = hoverOn(checked, key('appkey'));
    assert.match(text, /`appKey` — string/);
    assert.match(text, /Application key the EMS authenticates with/);
    assert.match(text, /Written `appkey`: the EMS ignores case; the documented spelling is `appKey`/);
  });

  test('unknown keys, legacy keys and ignored duplicates say so', async () => {
    const checked = await check({ certificates: { client_key: 'x', colour: 'blue' } });
    assert.match(hoverOn(checked, key('colour')), /`colour` — the EMS does not read this key in `certificates`/);
    assert.match(hoverOn(checked, key('client_key')), /\*\*Not read by the EMS:\*\* client_key is not read by the EMS/);
    const duplicate = await check({}, {}, '{\n  "ws_servers": [{ "host": "a", "port": 443 }],\n  "appKey": "x",\n  "APPKEY": "y"\n}');
    assert.match(hoverOn(duplicate, key('APPKEY')), /Ignored duplicate:\*\* the EMS reads the first `appKey`/);
    assert.doesNotMatch(hoverOn(duplicate, key('appKey')), /Ignored duplicate/);
  });

  test('no hover outside an EMS config or on punctuation', async () => {
    const foreign = await check({}, {}, '{ "name": "x", "version": "1.0.0" }');
    assert.equal(hover(foreign, { line: 0, character: 4 }), undefined);
    const checked = await check({});
    assert.equal(hover(checked, { line: 0, character: 0 }), undefined);
    assert.equal(hover(checked, { line: 999, character: 0 }), undefined);
  });

  test('positions count CRLF as one line break, as the editor does', async () => {
    const checked = await check({}, {}, '{\r\n  "ws_servers": [{ "host": "a", "port": 443 }],\r\n  "appKey": "x"\r\n}');
    const found = hover(checked, { line: 2, character: 4 });
    assert.match(found?.contents ?? '', /^`appKey` — string/);
    assert.deepEqual(found?.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 10 } });
  });
});

describe('hover on a value that names a file', () => {
  test('a chain: subject, issuer, validity relative to now, fingerprints, key, signature, SANs, CA flag', async () => {
    const checked = await check({ certificates: { client_cert: pki('server-chain.pem'), key_file: pki('server-key.pem') } });
    const text = hoverOn(checked, value(pki('server-chain.pem')));
    const [leaf, intermediate] = pkiText('server-chain.pem').split(/(?=-----BEGIN CERTIFICATE-----)/).map((pem) => new X509Certificate(pem));
    assert.ok(leaf && intermediate);
    assert.match(text, /Certificate — \*\*identity\*\*/);
    assert.ok(text.includes(`Path: \`${pki('server-chain.pem')}\``));
    assert.match(text, /PEM: 2 certificates, 0 private keys/);
    assert.match(text, /\*\*Certificate 1 of 2 — leaf:\*\* `CN=EMS Config Test Server, O=EMS Config Test PKI`/);
    assert.match(text, /Issuer: `CN=EMS Config Test Intermediate CA/);
    assert.match(text, new RegExp(`Valid: 2026-01-01 → 2027-06-01 — expires in ${daysUntil(leaf.validTo)} days`));
    assert.ok(text.includes(`SHA-256: \`${leaf.fingerprint256}\``) && text.includes(`SHA-1: \`${leaf.fingerprint}\``));
    assert.ok(text.includes(`SHA-256: \`${intermediate.fingerprint256}\``));
    assert.match(text, /Public key: RSA 2048 · signature: sha256WithRSAEncryption/);
    assert.match(text, /SANs: `DNS:localhost`, `IP Address:127\.0\.0\.1`/);
    assert.match(text, /CA: no/);
    assert.match(text, /Certificate 2 of 2 — CA:\*\* `CN=EMS Config Test Intermediate CA.*\n(.*\n)*- CA: yes, path length 0/);
    assert.match(text, /key usage: .*keyCertSign/);
  });

  test('EC and Ed25519 certificates render', async () => {
    const checked = await check({ certificates: { cert_chain: pki('ca-list.pem'), client_cert: pki('ec-p256-server.pem'), key_file: pki('ec-p256-server-key.pem') } });
    assert.match(hoverOn(checked, value(pki('ec-p256-server.pem'))), /Public key: EC P-256 · signature: ecdsa-with-SHA256/);
    const ed = await check({ http_server: { host: '127.0.0.1', certificate: pki('ed25519-server.pem'), private_key: pki('ed25519-server-key.pem') } });
    assert.match(hoverOn(ed, value(pki('ed25519-server.pem'))), /Public key: Ed25519 · signature: ED25519/);
    const list = hoverOn(checked, value(pki('ca-list.pem')));
    assert.match(list, /CA list — \*\*trust\*\*/);
    assert.match(list, /Certificate 1 of 2 — root CA/);
    assert.match(list, /CA: yes.*, self-signed/);
  });

  test('an expired certificate in an array item says how long ago', async () => {
    const text = hoverOn(await check({ certificates: { cert_chain: [pki('ca-list.pem'), pki('expired.pem')] } }), value(pki('expired.pem')));
    assert.match(text, /`certificates\.cert_chain\[1\]`/);
    assert.match(text, /2025-01-01 → 2026-03-01 — \*\*expired\*\* 92 days ago/);
  });

  test('key files: encrypted or not, format, and whether the key matches its certificate', async () => {
    const identity = (keyFile: string, passphrase?: string) => check({ certificates: { client_cert: pki('server.pem'), key_file: pki(keyFile), ...(passphrase ? { key_passphrase: passphrase } : {}) } });
    const matching = hoverOn(await identity('server-key-encrypted.pem', PASSPHRASE), value(pki('server-key-encrypted.pem')));
    assert.match(matching, /Private key — \*\*identity\*\*/);
    assert.match(matching, /Private key: RSA 2048 · encrypted · encrypted PKCS#8/);
    assert.match(matching, /Matches the first certificate in `certificates\.client_cert`/);
    const other = hoverOn(await identity('other-key.pem'), value(pki('other-key.pem')));
    assert.match(other, /RSA 2048 · \*\*not encrypted\*\* · PKCS#8/);
    assert.match(other, /\*\*Does not match\*\* the first certificate in `certificates\.client_cert`/);
    const locked = hoverOn(await identity('server-key-rsa-encrypted.pem', AES), value(pki('server-key-rsa-encrypted.pem')));
    assert.match(locked, /RSA \(size unknown until opened\) · encrypted · traditional OpenSSL PEM, encrypted/);
    assert.match(locked, /Match with its certificate: unknown \(the key stays locked here: its passphrase is missing, wrong, or stored encrypted/);
  });

  test('a relative path: the absolute path, the home it was resolved against, and the EMS\'s own rule', async () => {
    const text = hoverOn(await check({ certificates: { cert_chain: 'etc/certs/ca-list.pem' } }), value('etc/certs/ca-list.pem'));
    assert.ok(text.includes(`Path: \`${path.posix.join(home, 'etc', 'certs', 'ca-list.pem')}\``));
    assert.ok(text.includes(`checked against the EMS home \`${home}\``));
    assert.match(text, /the EMS itself resolves it against its working directory/);
  });

  test('files that cannot be read say why', async () => {
    const checked = await check({ certificates: { cert_chain: [pki('nope.pem'), MEMORY_PKI, pki('garbage.bin')] } });
    assert.match(hoverOn(checked, value(pki('nope.pem'))), /\*\*Not found\.\*\*/);
    assert.match(hoverOn(checked, value(MEMORY_PKI)), /\*\*Not a regular file\*\*/);
    assert.match(hoverOn(checked, value(pki('garbage.bin'))), /\*\*Not a certificate or key file:\*\* binary data/);
  });

  test('150 certificates: bounded, and the count and earliest expiry are still there', async () => {
    const checked = await check({ certificates: { cert_chain: bundle } });
    const text = hoverOn(checked, value(bundle));
    const lines = text.split('\n').length;
    assert.ok(lines < 100, `${lines} lines`);
    assert.match(text, /\*\*150 certificates:\*\* 100 CAs \(75 self-signed\), 50 leaves; 25 \*\*expired\*\*; earliest expiry 2026-03-01 \(#6/);
    assert.match(text, /Certificate 3 of 150/);
    assert.doesNotMatch(text, /Certificate 4 of 150/);
    assert.match(text, /\| 15 \|/);
    assert.match(text, /… and 135 more/);
  });
});

describe('secrets never reach a hover', () => {
  const secretConfig = {
    certificates: { client_cert: pki('server.pem'), key_file: pki('server-key-encrypted.pem'), key_passphrase: PASSPHRASE },
    http_server: { host: '127.0.0.1', ssl: true, certificate: pki('server-bundle.pem'), private_key: pki('server-key.pem'), passphrase: AES, authenticate: true, user: 'ems', password: 'hunter2-secret' },
    proxy: { host: 'proxy', user: 'p', password: AES },
  };
  const keyBodies = base64Lines('server-key.pem', 'server-key-encrypted.pem');

  test('at every position of a config full of secrets', async (t) => {
    const result = await check(secretConfig);
    const { text } = result.document.model;
    let shown = 0;
    const started = performance.now();
    for (let offset = 0; offset < text.length; offset++) {
      const found = hover(result, result.document.model.positionAt(offset));
      if (!found) continue;
      shown++;
      for (const secret of [PASSPHRASE, AES, GUID, 'hunter2-secret', 'PRIVATE KEY', ...keyBodies]) {
        assert.ok(!found.contents.includes(secret), `hover at ${offset} shows ${secret.slice(0, 12)}…`);
      }
    }
    t.diagnostic(`${text.length} positions, ${shown} hovers, ${((performance.now() - started) / text.length).toFixed(3)} ms per position`);
    assert.ok(shown > 50);
    // Hovering a secret value shows its key's doc, not the value.
    assert.match(hoverOn(result, value(PASSPHRASE)), /Passphrase of `key_file`/);
  });
});

test('hover time, warm', async (t) => {
  const result = await check({ certificates: { cert_chain: bundle, client_cert: pki('server-chain.pem'), key_file: pki('server-key.pem') } });
  const { text } = result.document.model;
  const positions = [value(bundle), value(pki('server-chain.pem')), key('key_file')].map((n) => result.document.model.positionAt(text.indexOf(n) + 1));
  for (const position of positions) hover(result, position); // warm up
  for (const [i, position] of positions.entries()) {
    const runs = 200;
    const started = performance.now();
    for (let r = 0; r < runs; r++) hover(result, position);
    t.diagnostic(`${['150-certificate bundle', 'chain of 2', 'key doc'][i]}: ${((performance.now() - started) / runs).toFixed(3)} ms`);
  }
});
