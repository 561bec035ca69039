// Builds the workspace the editor tests open: an EMS home with real certificates, made with the project's
// own test PKI (scripts/pki.mjs) and dated relative to the REAL clock, because the editor judges them now.
//
//   <dir>/
//     ems/etc/config.json          the config under test (absolute paths into ems/etc/certs)
//     ems/etc/certs/ca-list.pem    valid CA list (the test root CA)              -> certificates.cert_chain
//     ems/etc/certs/client.pem     client cert, EXPIRED ~92 days ago             -> certificates.client_cert
//     ems/etc/certs/client-key.pem the client cert's own key                     -> certificates.key_file
//     ems/etc/certs/http.pem       valid HTTP server cert                       -> http_server.certificate
//     ems/etc/certs/http-key.pem   a key that does NOT belong to http.pem        -> http_server.private_key
//     spare/client-valid.pem       a valid client cert with the same key; the suite copies it over client.pem
//     fixture.json                 what the suite needs to know (paths, subjects, dates, text markers)
//
// The config also holds a typo key ("resourse": unknown-property with the quick fix Change to "resource") and
// http_server.use_default_certificate (removed-property from EMS 5.4.5; the default emsVersion is 5.5.0).
//
// Usage: node test/e2e-fixtures/make-workspace.mjs <dir>   (the folder is emptied first)
// Library: buildWorkspace(dir, { now }) -> the fixture description (also written as <dir>/fixture.json).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportKey, generateKey, makeCertificate } from '../../scripts/pki.mjs';

const DAY = 86_400_000;

export async function buildWorkspace(dir, { now = new Date() } = {}) {
  const root = resolve(dir);
  rmSync(root, { recursive: true, force: true });
  const home = join(root, 'ems');
  const certs = join(home, 'etc', 'certs');
  mkdirSync(certs, { recursive: true });
  mkdirSync(join(root, 'spare'), { recursive: true });
  mkdirSync(join(root, '.vscode'), { recursive: true });
  const at = (days) => new Date(now.getTime() + days * DAY);

  const caKey = generateKey('ec-p256');
  const clientKey = generateKey('ec-p256');
  const httpKey = generateKey('ec-p256');
  const strayKey = generateKey('ec-p256');
  const ca = await makeCertificate({ cn: 'EMS Config E2E Root CA', key: caKey, notBefore: at(-400), notAfter: at(3000), ca: true });
  const leaf = (cn, key, from, to) => makeCertificate({ cn, key, issuer: ca, notBefore: at(from), notAfter: at(to), sans: ['localhost', '127.0.0.1'] });
  const expired = await leaf('EMS Config E2E Expired Client', clientKey, -457, -92);
  const fresh = await leaf('EMS Config E2E Client', clientKey, -30, 335);
  const http = await leaf('EMS Config E2E HTTP Server', httpKey, -30, 335);

  const file = (name) => join(certs, name);
  writeFileSync(file('ca-list.pem'), ca.pem);
  writeFileSync(file('client.pem'), expired.pem);
  writeFileSync(file('client-key.pem'), exportKey(clientKey));
  writeFileSync(file('http.pem'), http.pem);
  writeFileSync(file('http-key.pem'), exportKey(strayKey));
  writeFileSync(join(root, 'spare', 'client-valid.pem'), fresh.pem);

  // Property order and layout matter: the suite finds ranges by the text markers below.
  const config = {
    ws_servers: [{ host: 'twx.example.com', port: 443 }],
    resourse: '/Thingworx/WS',
    appKey: 'AES:O/V1gZmxCFmwZZ//WgZ1rrfEi/Z36AvYNF2BSLR3m0Wvk0q3ExxaH/KIUEgFhuE4',
    http_server: {
      host: '127.0.0.1',
      port: 8000,
      ssl: true,
      use_default_certificate: false,
      certificate: file('http.pem'),
      private_key: file('http-key.pem'),
      authenticate: true,
      user: 'emsuser',
      password: 'AES:XiMSn4CukWcxRvBrzZ2Ijg==',
    },
    ws_connection: { encryption: 'ssl' },
    certificates: {
      validate: true,
      allow_self_signed: false,
      cert_chain: file('ca-list.pem'),
      client_cert: file('client.pem'),
      key_file: file('client-key.pem'),
    },
  };
  const configPath = join(home, 'etc', 'config.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  // An empty settings file: the suite changes emsConfig.emsVersion at workspace level and puts it back.
  writeFileSync(join(root, '.vscode', 'settings.json'), '{}\n');

  const describe = (cert, notAfterDays) => ({ subject: cert.name, cn: cert.cn, notAfter: at(notAfterDays).toISOString() });
  const fixture = {
    now: now.toISOString(),
    config: configPath,
    files: {
      caList: file('ca-list.pem'), client: file('client.pem'), clientKey: file('client-key.pem'),
      http: file('http.pem'), httpKey: file('http-key.pem'), clientValid: join(root, 'spare', 'client-valid.pem'),
    },
    certificates: { client: describe(expired, -92), clientValid: describe(fresh, 335), http: describe(http, 335) },
    // Text the suite looks for to compute expected ranges: [text, what the range should cover].
    markers: {
      typo: '"resourse"',
      removed: '"use_default_certificate"',
      clientCertValue: JSON.stringify(file('client.pem')),
      httpKeyValue: JSON.stringify(file('http-key.pem')),
      httpCertValue: JSON.stringify(file('http.pem')),
    },
  };
  writeFileSync(join(root, 'fixture.json'), `${JSON.stringify(fixture, null, 2)}\n`);
  return fixture;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node test/e2e-fixtures/make-workspace.mjs <dir>');
    process.exit(2);
  }
  const fixture = await buildWorkspace(dir);
  console.log(`e2e workspace: ${resolve(dir)} (config ${fixture.config})`);
}
