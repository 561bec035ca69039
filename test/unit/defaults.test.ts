// The settings' defaults and the list of EMS releases are written once on each side of the extension: in the
// server (DEFAULT_SETTINGS in service/types.ts, KNOWN_RELEASES in service/version.ts) and in package.json's
// contributes.configuration, which VS Code shows and the client's version picker reads at run time. These
// tests keep the two equal, and keep the client and the CLI from growing their own copies.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseArgs, USAGE } from '../../server/src/cli/args';
import { normalizeSettings } from '../../server/src/service/settings';
import { DEFAULT_EMS_VERSION, DEFAULT_SETTINGS } from '../../server/src/service/types';
import { compareVersions, KNOWN_RELEASES, NEWEST_RELEASE, parseVersion } from '../../server/src/service/version';
import { REPO_ROOT } from '../helpers/repo';

const ROOT = REPO_ROOT;
const SCHEMA_RELEASE_KEYS: ReadonlySet<string> = new Set(['x-ems-since', 'x-ems-removed']);
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; examples?: unknown; pattern?: string }> } };
};
const properties = manifest.contributes.configuration.properties;
/** Not a setting anyone writes: where emsVersion came from (the default, a setting, the CLI's flag). */
const NOT_DECLARED: ReadonlySet<string> = new Set(['emsVersionSource']);
const userSettings = Object.entries(DEFAULT_SETTINGS).filter(([key]) => !NOT_DECLARED.has(key));
/** The settings as package.json declares them, without the `emsConfig.` prefix (trace.server is the client library's). */
const declared = Object.keys(properties).filter((key) => key.startsWith('emsConfig.') && key !== 'emsConfig.trace.server').map((key) => key.slice('emsConfig.'.length));

describe('defaults: package.json and DEFAULT_SETTINGS', () => {
  test('package.json declares exactly the settings DEFAULT_SETTINGS has', () => {
    assert.deepEqual([...declared].sort(), userSettings.map(([key]) => key).sort());
  });

  test('every default in package.json is the one in DEFAULT_SETTINGS', () => {
    for (const [key, value] of userSettings) {
      assert.deepEqual(properties[`emsConfig.${key}`]?.default, value, `emsConfig.${key}`);
    }
  });

  test('the default target is the newest known release', () => {
    assert.equal(DEFAULT_SETTINGS.emsVersion, NEWEST_RELEASE);
    assert.equal(DEFAULT_EMS_VERSION, NEWEST_RELEASE);
  });

  test('settings that are missing or bad become DEFAULT_SETTINGS', () => {
    assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({ emsVersion: 'latest', expiryWarningDays: -1, homeDirectory: 7, severity: 'loud' }), DEFAULT_SETTINGS);
  });

  test('the CLI starts from DEFAULT_SETTINGS and its help states them', () => {
    const parsed = parseArgs(['check', 'config.json']);
    assert.equal(parsed.kind, 'check');
    if (parsed.kind !== 'check') return;
    // No --ems-version: the release of the EMS binary in the home, else the default (the service decides).
    assert.equal(parsed.args.emsVersion, undefined);
    assert.equal(parsed.args.expiryWarningDays, DEFAULT_SETTINGS.expiryWarningDays);
    assert.equal(parsed.args.home, DEFAULT_SETTINGS.homeDirectory);
    assert.deepEqual(parsed.args.severity, DEFAULT_SETTINGS.severity);
    assert.match(USAGE, new RegExp(`default: the release of the wsems\\s+binary in the EMS home, else the newest known, ${DEFAULT_SETTINGS.emsVersion.replace(/\./g, '\\.')}\\)`));
    assert.match(USAGE, new RegExp(`within n days \\(default ${DEFAULT_SETTINGS.expiryWarningDays}\\)`));
  });
});

describe('defaults: the known EMS releases', () => {
  test('package.json offers exactly KNOWN_RELEASES as examples of emsConfig.emsVersion, in the same order', () => {
    assert.deepEqual(properties['emsConfig.emsVersion']?.examples, [...KNOWN_RELEASES]);
  });

  test('KNOWN_RELEASES are distinct release numbers, oldest first, that the setting\'s pattern accepts', () => {
    const pattern = new RegExp(properties['emsConfig.emsVersion']?.pattern ?? '^$');
    const versions = KNOWN_RELEASES.map((release) => {
      assert.match(release, pattern);
      const version = parseVersion(release);
      assert.ok(version, release);
      return version;
    });
    for (let i = 1; i < versions.length; i++) {
      assert.ok(compareVersions(versions[i - 1]!, versions[i]!) < 0, `${KNOWN_RELEASES[i - 1]} before ${KNOWN_RELEASES[i]}`);
    }
    assert.equal(NEWEST_RELEASE, KNOWN_RELEASES.at(-1));
  });

  test('no release the schema names lies beyond the newest known one', () => {
    const schema: unknown = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'ems-config.schema.json'), 'utf8'));
    const named: string[] = [];
    // x-ems-since / x-ems-removed on keys and forms; since / until in x-ems-when and x-ems-companions entries.
    const walk = (node: unknown, releaseKeys: ReadonlySet<string>): void => {
      if (Array.isArray(node)) return node.forEach((item) => walk(item, releaseKeys));
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'x-ems-annotations') continue; // what each annotation means, in words
        if (releaseKeys.has(key) && typeof value === 'string') named.push(value);
        else walk(value, key === 'x-ems-when' || key === 'x-ems-companions' ? new Set(['since', 'until']) : SCHEMA_RELEASE_KEYS);
      }
    };
    walk(schema, SCHEMA_RELEASE_KEYS);
    assert.ok(named.length > 0, 'the schema names releases');
    for (const release of named) {
      const version = parseVersion(release);
      assert.ok(version, `the schema names "${release}", not a release number`);
      assert.ok(compareVersions(version, parseVersion(NEWEST_RELEASE)!) <= 0, `the schema names ${release}, newer than ${NEWEST_RELEASE}`);
    }
  });

  test('the client and the CLI hold no release number or default of their own', () => {
    for (const file of ['client/src/extension.ts', 'server/src/cli/args.ts', 'server/src/cli/main.ts']) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const release of KNOWN_RELEASES) assert.ok(!text.includes(`'${release}'`), `${file} writes '${release}'`);
      assert.doesNotMatch(text, /expiryWarningDays:\s*\d/, `${file} writes an expiryWarningDays default`);
    }
  });
});
