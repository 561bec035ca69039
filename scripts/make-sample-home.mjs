// Writes the certificates of the bundled sample EMS home (samples/ems-home/etc/certs/) for `npm start`.
// Dates are relative to the real clock, so the report shows the same realistic findings on any day:
// a client certificate that expires in 20 days, a CA list that pins a server certificate, an HTTP server
// key without a passphrase. Throw-away test keys: the folder is git-ignored and rewritten on every run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportKey, generateKey, makeCertificate, TEST_PASSPHRASE } from './pki.mjs';

const DAY = 86_400_000;
const now = Date.now();
const at = (days) => new Date(now + days * DAY);
const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'samples', 'ems-home', 'etc', 'certs');
mkdirSync(dir, { recursive: true });

const rootKey = generateKey('rsa-2048');
const root = await makeCertificate({ cn: 'EMS Config Sample Root CA', key: rootKey, notBefore: at(-400), notAfter: at(3250), ca: true });
const issuingKey = generateKey('ec-p256');
const issuing = await makeCertificate({ cn: 'EMS Config Sample Issuing CA', key: issuingKey, issuer: root, notBefore: at(-400), notAfter: at(1800), ca: true, pathLength: 0 });
const platformKey = generateKey('ec-p256');
const platform = await makeCertificate({ cn: 'twx.example.com', key: platformKey, issuer: issuing, notBefore: at(-60), notAfter: at(300), sans: ['twx.example.com'] });
const clientKey = generateKey('ec-p256');
const client = await makeCertificate({ cn: 'edge-device-0042', key: clientKey, issuer: issuing, notBefore: at(-345), notAfter: at(20) });
const httpKey = generateKey('ec-p256');
const http = await makeCertificate({ cn: '127.0.0.1', key: httpKey, issuer: issuing, notBefore: at(-30), notAfter: at(335), sans: ['127.0.0.1'] });

const files = {
  'ca-list.pem': root.pem + issuing.pem,
  'edge-ca-list.pem': issuing.pem + platform.pem,
  'client.pem': client.pem,
  'client-key.pem': exportKey(clientKey, { passphrase: TEST_PASSPHRASE }),
  'ems-http-chain.pem': http.pem + issuing.pem,
  'ems-http-key.pem': exportKey(httpKey),
};
for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
console.log(`sample EMS home: wrote ${Object.keys(files).length} certificate and key files to ${dir}`);
