// Checks the packaged extension (`npm run package` → ems-config-<version>.vsix): what it holds, what it must
// not hold, its manifest, and its size. Run with `npm run test:package` (packages first, then this file).
// VSIX_PATH=<file> checks another package.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsixPath = process.env.VSIX_PATH || join(root, `${pkg.name}-${pkg.version}.vsix`);
const MAX_BYTES = 2 * 1024 * 1024;

/** The entries of a zip file: name → () => contents (stored or deflated; all a VSIX uses). */
function readZip(buffer) {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file: no end of central directory');
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buffer.readUInt32LE(at), 0x02014b50, 'broken central directory');
    const method = buffer.readUInt16LE(at + 10);
    const compressed = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, () => {
      const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
      const data = buffer.subarray(start, start + compressed);
      return method === 0 ? data : inflateRawSync(data);
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const vsix = readFileSync(vsixPath);
const entries = readZip(vsix);
const names = [...entries.keys()];
const text = (name) => {
  assert.ok(entries.has(name), `${name} is not in the package`);
  return entries.get(name)().toString('utf8');
};
const BUNDLES = ['extension/client/out/extension.js', 'extension/server/out/server.js', 'extension/server/out/checkWorker.js', 'extension/server/out/cli.js'];

test(`the package is under 2 MB (${(vsix.length / 1024).toFixed(0)} KB)`, () => {
  assert.ok(statSync(vsixPath).size < MAX_BYTES, `${vsixPath} is ${vsix.length} bytes`);
});

test('it holds the bundles, the manifest and what the manifest points to', () => {
  for (const name of [...BUNDLES, 'extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt',
    'extension/schemas/ems-config.schema.json', 'extension/syntaxes/ems-config.tmLanguage.json',
    'extension/syntaxes/language-configuration.json', 'extension/docs/diagnostics.md', `extension/${pkg.icon}`,
    'extension.vsixmanifest', '[Content_Types].xml']) {
    assert.ok(entries.has(name), `${name} is missing; the package has: ${names.join(', ')}`);
  }
  const manifest = JSON.parse(text('extension/package.json'));
  assert.ok(entries.has(`extension/${manifest.main.replace(/^\.\//, '')}`), `main ${manifest.main} is not in the package`);
  for (const contribution of [...manifest.contributes.grammars, ...manifest.contributes.languages]) {
    const file = contribution.path || contribution.configuration;
    assert.ok(entries.has(`extension/${file.replace(/^\.\//, '')}`), `${file} is not in the package`);
  }
});

test('no sources, tests, source maps, node_modules or stray files', () => {
  const forbidden = [/\.ts$/, /\.map$/, /\.mjs$/, /(^|\/)node_modules\//, /(^|\/)src\//, /^extension\/(test|out|e2e|scripts|samples)\//,
    /^extension\/docs\/images\/(?!icon\.png$)/, /\.vsix$/, /(^|\/)\.[^/]+$/, /tsconfig/];
  const bad = names.filter((name) => forbidden.some((pattern) => pattern.test(name)));
  assert.deepEqual(bad, []);
  // The allow-list, as files: a new file in the package should be a decision, not an accident.
  const allowed = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|client\/out\/extension\.js|server\/out\/(server|checkWorker|cli)\.js|schemas\/[\w.-]+\.json|syntaxes\/[\w.-]+\.json|docs\/diagnostics\.md|docs\/images\/icon\.png))$/;
  assert.deepEqual(names.filter((name) => !allowed.test(name)), []);
});

test('the bundles carry their dependencies: they require only Node built-ins and vscode, and map to no source', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const bundle of BUNDLES) {
    const code = text(bundle);
    const required = new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    const outside = [...required].filter((id) => !builtins.has(id) && !(id === 'vscode' && bundle.includes('/client/')));
    assert.deepEqual(outside, [], `${bundle} requires modules it does not bundle`);
    assert.doesNotMatch(code, /sourceMappingURL=/, `${bundle} points to a source map`);
  }
});

test('the manifest carries icon, categories, keywords, repository and license', () => {
  const manifest = JSON.parse(text('extension/package.json'));
  assert.equal(manifest.icon, pkg.icon);
  assert.ok(manifest.categories.length > 0);
  assert.ok(manifest.keywords.length > 0);
  assert.match(manifest.repository.url, /^https:\/\//);
  assert.equal(manifest.license, 'MIT');
  const xml = text('extension.vsixmanifest');
  assert.match(xml, /<Icon>extension\/docs\/images\/icon\.png<\/Icon>/);
  assert.match(xml, /<Categories>Linters,Programming Languages<\/Categories>/);
  assert.match(xml, /<Tags>[^<]*thingworx[^<]*<\/Tags>/);
  assert.match(xml, /Microsoft\.VisualStudio\.Services\.Links\.Source/);
  assert.match(xml, /<License>extension\/LICENSE\.txt<\/License>/);
});
