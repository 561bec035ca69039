// Reusing file verdicts between keystrokes (a port that knows when files change, as the language server's
// does with watchers): the findings must be exactly those of a fresh check, on the new text's positions.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { WatchedStats } from '../../server/src/node/watchedStats';
import { createEmsService } from '../../server/src/service';
import type { FileSystemPort } from '../../server/src/service/ports';
import { NOW, PASSPHRASE, PKI_DIR } from '../helpers/pki';
import { BASE } from '../helpers/service';

const dir = mkdtempSync(path.join(tmpdir(), 'ems-reuse-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const settings = { emsVersion: '5.5.0', homeDirectory: dir, expiryWarningDays: 30, severity: {} };
const configPath = path.join(dir, 'etc', 'config.json');
const cert = path.join(dir, 'client.pem');
copyFileSync(path.join(PKI_DIR, 'server.pem'), cert);

const text = (resource: string, passphrase: string) => JSON.stringify({
  ...BASE, resource,
  certificates: { cert_chain: 'ca-lst.pem', client_cert: cert, key_file: path.join(PKI_DIR, 'server-key-encrypted.pem'), key_passphrase: passphrase },
}, null, 2);

async function fresh(t: string) {
  return (await createEmsService({ fs: nodeFileSystem, now: () => NOW }).check({ text: t, path: configPath, settings })).findings;
}

describe('file verdicts reused between checks', () => {
  test('an edit elsewhere: the same findings as a fresh check, at the new positions, with fixes that fit', async () => {
    copyFileSync(path.join(PKI_DIR, 'ca-list.pem'), path.join(dir, 'ca-list.pem'));
    const service = createEmsService({ fs: new WatchedStats(nodeFileSystem), now: () => NOW });
    const first = text('/Thingworx/WS', PASSPHRASE);
    await service.check({ text: first, path: configPath, settings });
    const second = text('/Thingworx/WS\n\n\n', PASSPHRASE).replace('"resource"', '\n\n  "resource"');
    const reused = (await service.check({ text: second, path: configPath, settings })).findings;
    assert.ok(reused.some((f) => f.code === 'file-not-found' && f.data?.fixes?.length), 'the similar-file fix is there');
    assert.deepEqual(reused, await fresh(second));
  });

  test('a changed passphrase is judged again', async () => {
    const service = createEmsService({ fs: new WatchedStats(nodeFileSystem), now: () => NOW });
    await service.check({ text: text('/a', PASSPHRASE), path: configPath, settings });
    const wrong = (await service.check({ text: text('/a', 'not-it'), path: configPath, settings })).findings;
    assert.ok(wrong.some((f) => f.code === 'key-passphrase-wrong'));
  });

  test('a file reported changed is read again; one that is not stays as it was', async () => {
    const stats = new WatchedStats(nodeFileSystem);
    let reads = 0;
    const counting: FileSystemPort = { platform: stats.platform, stat: (p) => stats.stat(p), readDirectory: (p) => stats.readDirectory(p), generation: () => stats.generation(), readFile: (p, m) => { reads++; return stats.readFile(p, m); } };
    const service = createEmsService({ fs: counting, now: () => NOW });
    const t = text('/a', PASSPHRASE);
    await service.check({ text: t, path: configPath, settings });
    const readsBefore = reads;
    await service.check({ text: t.replace('/a', '/b'), path: configPath, settings });
    assert.equal(reads, readsBefore, 'nothing read again');
    copyFileSync(path.join(PKI_DIR, 'expired.pem'), cert);
    stats.forget();
    const after = (await service.check({ text: t, path: configPath, settings })).findings;
    assert.ok(after.some((f) => f.code === 'cert-expired'));
    copyFileSync(path.join(PKI_DIR, 'server.pem'), cert);
  });
});
