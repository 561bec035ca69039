// The CLI and the LSR's config.lua (issue #16): a folder search checks the config.lua beside each config.json,
// and a config.lua path is checked directly, in every format.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { CLI } from '../helpers/repo';

const home = mkdtempSync(path.join(tmpdir(), 'ems-lua-cli-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(path.join(home, 'etc'));
writeFileSync(path.join(home, 'etc', 'config.json'), JSON.stringify({ ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: '080107d9-0af5-409f-b0d7-7ef5ccf3d797' }));
const lua = path.join(home, 'etc', 'config.lua');
writeFileSync(lua, ['scripts.rap_host = "localhost"', 'scripts.rap_ssl = false', 'scripts.rap_deny_selfsigned = true', 'scripts.script_resource_ssl = true', 'scripts.script_resource_authenticate = true'].join('\n'));

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

test('a folder search checks etc/config.lua beside etc/config.json', () => {
  const result = run('check', '--ems-version', '5.4.0', '--format', 'json', home);
  const report = JSON.parse(result.stdout) as { files: { path: string; diagnostics: { code: string }[] }[] };
  assert.deepEqual(report.files.map((f) => path.basename(f.path)), ['config.json', 'config.lua']);
  assert.deepEqual(report.files[1]!.diagnostics.map((d) => d.code), ['lsr-rap-ssl-disabled']);
});

test('a config.lua path is checked directly; text and SARIF name its rules', () => {
  const text = run('check', '--ems-version', '5.4.0', lua);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /config\.lua:2:\d+ warning lsr-rap-ssl-disabled scripts\.rap_ssl is false/);
  const sarif = JSON.parse(run('check', '--ems-version', '5.4.0', '--format', 'sarif', lua).stdout) as { runs: { results: { ruleId: string }[] }[] };
  assert.deepEqual(sarif.runs[0]!.results.map((r) => r.ruleId), ['lsr-rap-ssl-disabled']);
});

test('a cross-file finding names the other file: related in JSON, relatedLocations in SARIF', () => {
  const pair = mkdtempSync(path.join(tmpdir(), 'ems-lua-pair-'));
  after(() => rmSync(pair, { recursive: true, force: true }));
  mkdirSync(path.join(pair, 'etc'));
  writeFileSync(path.join(pair, 'etc', 'config.json'), JSON.stringify({ ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: '080107d9-0af5-409f-b0d7-7ef5ccf3d797', http_server: { host: '127.0.0.1', port: 8080, ssl: false } }, null, 2));
  writeFileSync(path.join(pair, 'etc', 'config.lua'), ['scripts.rap_host = "127.0.0.1"', 'scripts.rap_port = 8000', 'scripts.script_resource_ssl = false', 'scripts.script_resource_authenticate = false'].join('\n'));
  const report = JSON.parse(run('check', '--ems-version', '5.4.0', '--format', 'json', pair).stdout) as { files: { path: string; diagnostics: { code: string; related?: { path: string }[] }[] }[] };
  const related = report.files.map((f) => [path.basename(f.path), f.diagnostics.filter((d) => d.code === 'lsr-ems-mismatch').map((d) => d.related?.map((r) => path.basename(r.path)))]);
  assert.deepEqual(related, [['config.json', [['config.lua']]], ['config.lua', [['config.json']]]]);
  const sarif = JSON.parse(run('check', '--ems-version', '5.4.0', '--format', 'sarif', pair).stdout) as { runs: { results: { ruleId: string; relatedLocations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
  const located = sarif.runs[0]!.results.filter((r) => r.ruleId === 'lsr-ems-mismatch').map((r) => r.relatedLocations?.map((l) => [path.basename(l.physicalLocation.artifactLocation.uri), l.physicalLocation.region.startLine]));
  assert.deepEqual(located, [[['config.lua', 2]], [['config.json', 11]]]);
});
