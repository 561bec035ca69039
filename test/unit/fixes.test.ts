// Each quick fix applied to a real text: the exact result, and the finding gone afterwards.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Code } from '../../server/src/service/codes';
import type { Settings } from '../../server/src/service/types';
import { applyFix, check, GUID } from '../helpers/service';

const head = `"ws_servers": [{ "host": "twx.example.com", "port": 443 }],\n  "appKey": "${GUID}"`;
const doc = (body: string) => `{\n  ${head},\n  ${body}\n}`;

interface FixCase {
  code: Code;
  before: string;
  /** The text after the fix titled `title`. */
  after: string;
  title: string;
  settings?: Partial<Settings>;
}

const CASES: FixCase[] = [
  { code: 'unknown-property', title: 'Change to "auto_bind"', before: doc('"auto-bind": [{ "name": "Thing1" }]'), after: doc('"auto_bind": [{ "name": "Thing1" }]') },
  { code: 'unknown-property', title: 'Change to "key_file"', before: doc('"certificates": { "client_cert": "/c.pem", "client_key": "/k.pem" }'), after: doc('"certificates": { "client_cert": "/c.pem", "key_file": "/k.pem" }'), settings: { severity: { 'file-not-found': 'off' } } },
  { code: 'non-canonical-case', title: 'Change to "appKey"', before: `{ "ws_servers": [{ "host": "a", "port": 1 }], "appkey": "${GUID}" }`, after: `{ "ws_servers": [{ "host": "a", "port": 1 }], "appKey": "${GUID}" }` },
  { code: 'wrong-type', title: 'Change to true', before: doc('"certificates": { "validate": "true" }'), after: doc('"certificates": { "validate": true }') },
  { code: 'wrong-type', title: 'Change to 443', before: `{ "ws_servers": [{ "host": "a", "port": "443" }], "appKey": "${GUID}" }`, after: `{ "ws_servers": [{ "host": "a", "port": 443 }], "appKey": "${GUID}" }` },
  { code: 'wrong-type', title: 'Wrap in an array', before: doc('"auto_bind": { "name": "Thing1" }'), after: doc('"auto_bind": [{ "name": "Thing1" }]') },
  { code: 'whitespace-in-value', title: 'Trim the blanks', before: doc('"logger": { "level": "WARN " }'), after: doc('"logger": { "level": "WARN" }') },
  { code: 'whitespace-in-value', title: 'Change to "ssl" (TLS, as the EMS does now)', before: doc('"ws_connection": { "encryption": "none " }'), after: doc('"ws_connection": { "encryption": "ssl" }') },
  { code: 'json-invalid-escape', title: 'Use forward slashes', before: doc('"certificates": { "cert_chain": "C:\\certs\\ca.pem" }'), after: doc('"certificates": { "cert_chain": "C:/certs/ca.pem" }') },
  { code: 'suspicious-escape', title: 'Use forward slashes', before: doc('"certificates": { "cert_chain": "C:\\\\certs\\new\\\\ca.pem" }'), after: doc('"certificates": { "cert_chain": "C:/certs/new/ca.pem" }') },
  { code: 'json-comment', title: 'Remove the comment', before: `{\n  // the platform\n  ${head}\n}`, after: `{\n  ${head}\n}` },
  { code: 'json-comment', title: 'Remove the comment', before: `{\n  ${head} /* prod */\n}`, after: `{\n  ${head}\n}` },
  { code: 'json-trailing-comma', title: 'Remove the trailing comma', before: `{\n  ${head},\n}`, after: `{\n  ${head}\n}` },
  { code: 'duplicate-key', title: 'Remove the earlier "resource"', before: doc('"resource": "/old",\n  "resource": "/Thingworx/WS"'), after: doc('"resource": "/Thingworx/WS"') },
  { code: 'missing-companion', title: 'Add "key_file"', before: doc('"certificates": {\n    "client_cert": "/c.pem"\n  }'), after: doc('"certificates": {\n    "client_cert": "/c.pem",\n    "key_file": "/opt/thingworx/microserver/etc/certs/SSLPrivKey.pem"\n  }'), settings: { severity: { 'file-not-found': 'off' } } },
  { code: 'unsupported-in-version', title: 'Wrap in an array', before: doc('"certificates": { "cert_chain": "/ca.pem" }'), after: doc('"certificates": { "cert_chain": ["/ca.pem"] }'), settings: { emsVersion: '5.3.4', severity: { 'file-not-found': 'off' } } },
  { code: 'validation-disabled', title: 'Change to true', before: doc('"certificates": { "validate": false }'), after: doc('"certificates": { "validate": true }') },
  { code: 'self-signed-allowed', title: 'Change to false', before: doc('"certificates": { "allow_self_signed": true }'), after: doc('"certificates": { "allow_self_signed": false }') },
  { code: 'hostname-validation-disabled', title: 'Change to false', before: doc('"certificates": { "disable_hostname_validation": true }'), after: doc('"certificates": { "disable_hostname_validation": false }') },
  { code: 'ws-encryption-disabled', title: 'Change to "ssl"', before: doc('"ws_connection": { "encryption": "none" }'), after: doc('"ws_connection": { "encryption": "ssl" }') },
  { code: 'http-server-ssl-disabled', title: 'Change to true', before: doc('"http_server": { "ssl": false, "authenticate": false }'), after: doc('"http_server": { "ssl": true, "authenticate": false }') },
  { code: 'removed-property', title: 'Remove "use_default_certificate"', before: doc('"http_server": {\n    "use_default_certificate": false,\n    "ssl": false\n  }'), after: doc('"http_server": {\n    "ssl": false\n  }') },
  { code: 'localhost-ipv6', title: 'Change to "127.0.0.1"', before: doc('"http_server": { "host": "localhost", "ssl": false }'), after: doc('"http_server": { "host": "127.0.0.1", "ssl": false }') },
];

describe('quick fixes', () => {
  for (const c of CASES) {
    test(`${c.code}: "${c.title}"`, async () => {
      const findings = await check(c.before, c.settings);
      const finding = findings.find((f) => f.code === c.code && f.data?.fixes?.some((fix) => fix.title === c.title));
      assert.ok(finding, `no ${c.code} with "${c.title}"; got ${JSON.stringify(findings.map((f) => [f.code, f.data?.fixes?.map((x) => x.title)]))}`);
      const index = finding.data!.fixes!.findIndex((fix) => fix.title === c.title);
      const after = applyFix(c.before, finding, index);
      assert.equal(after, c.after);
      const remaining = await check(after, c.settings);
      assert.ok(!remaining.some((f) => f.code === c.code && f.pointer === finding.pointer), `${c.code} still there`);
    });
  }
});
