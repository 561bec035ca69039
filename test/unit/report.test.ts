// The certificate report over a real check of real files: the header, every file named in document order
// with the facts the hovers show and the findings on it, bounded for big bundles and free of secrets.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../server/src/service';
import { settingNameOfPointer } from '../../server/src/service/features/describe';
import { certificateReport } from '../../server/src/service/features/report';
import type { Settings } from '../../server/src/service/types';
import { base64Lines, PASSPHRASE, pemBundle, pkiText } from '../helpers/pki';
import { AES, BASE, fixtures, GUID, MEMORY_HOME, MEMORY_PKI, memoryPki as pki, memoryService } from '../helpers/service';

// The config at /ems/etc/config.json in memory, the whole test PKI in /pki.
const home = MEMORY_HOME;
const bundle = path.posix.join(home, 'bundle-150.pem');
const memory = memoryService({
  files: { ...fixtures(MEMORY_PKI), [bundle]: Buffer.from(pemBundle(['root-ca.pem', 'intermediate-ca.pem', 'expired.pem'], 150)) },
});

async function check(groups: Record<string, unknown>, settings: Partial<Settings> = {}): Promise<CheckResult> {
  return memory.check(JSON.stringify({ ...BASE, ...groups }, null, 2), settings);
}

/** The part of the report under the heading of one setting, up to the next heading of that level or above. */
function section(report: string, pointer: string): string {
  const name = settingNameOfPointer(pointer);
  const heading = new RegExp(`^(#{2,3}) \`${name.replace(/[.[\]]/g, '\\$&')}\`$`, 'm').exec(report);
  assert.ok(heading, `no heading for ${name}`);
  const rest = report.slice(heading.index + heading[0].length);
  const next = new RegExp(`^#{2,${heading[1]!.length}} `, 'm').exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

const CONFIG = {
  logger: { publish_directory: 'logs' },
  certificates: {
    cert_chain: [pki('ca-list.pem'), pki('expired.pem'), pki('missing.pem')],
    client_cert: pki('ec-p256-server.pem'), key_file: pki('ec-p256-server-key-sec1-encrypted.pem'), key_passphrase: PASSPHRASE,
  },
  http_server: {
    host: '127.0.0.1', ssl: true, certificate: pki('server-chain.pem'), private_key: pki('other-key.pem'), passphrase: AES,
    authenticate: true, user: 'ems', password: AES,
  },
};

describe('certificate report', () => {
  test('the header: config, home, target, date, files checked, nearest expiry', async () => {
    const report = certificateReport(await check(CONFIG, { emsVersion: '5.4.8' }), 'etc/config.json');
    assert.match(report, /^# Certificate report: etc\/config\.json\n/);
    assert.match(report, /- \*\*Config:\*\* `etc\/config\.json`/);
    assert.ok(report.includes(`- **EMS home:** \`${home}\``));
    assert.match(report, /- \*\*Target EMS release:\*\* 5\.4\.8/);
    assert.match(report, /- \*\*Judged at:\*\* 2026-06-01/);
    assert.match(report, /- \*\*Files checked:\*\* 6 of 7 read \(and 1 folder, not read\)/);
    assert.match(report, /- \*\*Nearest expiry:\*\* 2026-03-01 — \*\*expired\*\* 92 days ago: `EMS Config Test Expired` in `certificates\.cert_chain\[1\]`/);
  });

  test('every file in document order, grouped by setting, with its facts and its findings', async () => {
    const result = await check(CONFIG);
    const report = certificateReport(result, 'etc/config.json');
    const headings = [...report.matchAll(/^#{2,3} `(.+)`$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, [
      'logger.publish_directory', 'certificates.cert_chain', 'certificates.cert_chain[0]', 'certificates.cert_chain[1]', 'certificates.cert_chain[2]',
      'certificates.client_cert', 'certificates.key_file', 'http_server.certificate', 'http_server.private_key',
    ]);
    assert.equal(result.files.length, 8);
    for (const reference of result.files) {
      const text = section(report, reference.pointer);
      assert.ok(text.includes(reference.resolved ?? reference.value), `${reference.pointer} shows its path`);
      const findings = result.findings.filter((f) => f.pointer === reference.pointer);
      if (!findings.length) assert.match(text, /No findings\./, reference.pointer);
      for (const finding of findings) assert.ok(text.includes(`**${finding.severity}** \`${finding.code}\``), `${reference.pointer}: ${finding.code}`);
    }
    assert.match(section(report, '/certificates/cert_chain'), /^\s*CA list — \*\*trust\*\*/);
    assert.match(section(report, '/certificates/cert_chain/1'), /\*\*error\*\* `cert-expired` \(line \d+\): Certificate "EMS Config Test Expired" in expired\.pem expired on 2026-03-01/);
    assert.match(section(report, '/certificates/cert_chain/2'), /\*\*Not found\.\*\*[\s\S]*`file-not-found`/);
    assert.match(section(report, '/logger/publish_directory'), /Written relative \(`logs`\)[\s\S]*`relative-path`/);
    const key = section(report, '/certificates/key_file');
    assert.match(key, /Private key: EC P-256 · encrypted · traditional OpenSSL PEM, encrypted \(Proc-Type\/DEK-Info\)/);
    assert.match(key, /Matches the first certificate in `certificates\.client_cert`/);
    const mismatch = section(report, '/http_server/private_key');
    assert.match(mismatch, /\*\*Does not match\*\* the first certificate in `http_server\.certificate`/);
    assert.match(mismatch, /`key-mismatch`/);
    const chain = section(report, '/http_server/certificate');
    const leaf = new X509Certificate(pkiText('server.pem'));
    assert.ok(chain.includes(leaf.fingerprint256) && chain.includes(leaf.fingerprint));
    assert.match(chain, /Certificate 2 of 2 — CA/);
  });

  test('a 150-certificate bundle is summarised, and its findings are bounded', async () => {
    const report = certificateReport(await check({ certificates: { cert_chain: bundle } }), 'etc/config.json');
    const text = section(report, '/certificates/cert_chain');
    const lines = text.split('\n').length;
    assert.ok(lines < 100, `${lines} lines`);
    assert.match(text, /\*\*150 certificates:\*\* 100 CAs \(50 self-signed\), 50 leaves; 50 \*\*expired\*\*/);
    assert.match(text, /… and 135 more/);
    assert.match(text, /- … and \d+ more \(the Problems panel lists them all\)/);
  });

  test('no secret and no key material in the report', async () => {
    const report = certificateReport(await check({ ...CONFIG, proxy: { host: 'p', user: 'u', password: 'hunter2-secret' } }), 'etc/config.json');
    const keyBodies = base64Lines('other-key.pem');
    for (const secret of [PASSPHRASE, AES, GUID, 'hunter2-secret', 'PRIVATE KEY', ...keyBodies]) assert.ok(!report.includes(secret), secret.slice(0, 12));
  });

  test('a config that names no file says so', async () => {
    const report = certificateReport(await check({}), 'config.json');
    assert.match(report, /- \*\*Files checked:\*\* 0 of 0 read/);
    assert.match(report, /- \*\*Nearest expiry:\*\* no certificate was read/);
    assert.match(report, /No setting in this config names a certificate, key or folder\./);
  });
});
