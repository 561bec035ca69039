// Reusing file verdicts between keystrokes (a port that knows when files change, as the language server's
// does with watchers): the findings must be exactly those of a fresh check, on the new text's positions.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { WatchedStats } from '../../server/src/node/watchedStats';
import { createEmsService } from '../../server/src/service';
import type { FileSystemPort } from '../../server/src/service/ports';
import { NOW, PASSPHRASE } from '../helpers/pki';
import { BASE, MEMORY_CONFIG, MEMORY_HOME, memoryPki, memoryService, settingsWith } from '../helpers/service';

// The files in memory, WatchedStats over them as the language server puts it over the Node port; a file
// replaced (put) gets a new mtime, as a copy on disk would.
const dir = MEMORY_HOME;
const settings = settingsWith({ homeDirectory: dir });
const configPath = MEMORY_CONFIG;
const cert = path.posix.join(dir, 'client.pem');
const { fs: memory, put } = memoryService({ files: { [cert]: 'server.pem', [memoryPki('server-key-encrypted.pem')]: 'server-key-encrypted.pem' } });

const text = (resource: string, passphrase: string) => JSON.stringify({
  ...BASE, resource,
  certificates: { cert_chain: 'ca-lst.pem', client_cert: cert, key_file: memoryPki('server-key-encrypted.pem'), key_passphrase: passphrase },
}, null, 2);

async function fresh(t: string) {
  return (await createEmsService({ fs: memory, now: () => NOW }).check({ text: t, path: configPath, settings })).findings;
}

describe('file verdicts reused between checks', () => {
  test('an edit elsewhere: the same findings as a fresh check, at the new positions, with fixes that fit', async () => {
    put({ [path.posix.join(dir, 'ca-list.pem')]: 'ca-list.pem' });
    const service = createEmsService({ fs: new WatchedStats(memory), now: () => NOW });
    const first = text('/Thingworx/WS', PASSPHRASE);
    await service.check({ text: first, path: configPath, settings });
    const second = text('/Thingworx/WS\n\n\n', PASSPHRASE).replace('"resource"', '\n\n  "resource"');
    const reused = (await service.check({ text: second, path: configPath, settings })).findings;
    assert.ok(reused.some((f) => f.code === 'file-not-found' && f.data?.fixes?.length), 'the similar-file fix is there');
    assert.deepEqual(reused, await fresh(second));
  });

  test('a changed passphrase is judged again', async () => {
    const service = createEmsService({ fs: new WatchedStats(memory), now: () => NOW });
    await service.check({ text: text('/a', PASSPHRASE), path: configPath, settings });
    const wrong = (await service.check({ text: text('/a', 'not-it'), path: configPath, settings })).findings;
    assert.ok(wrong.some((f) => f.code === 'key-passphrase-wrong'));
  });

  test('a file reported changed is read again; one that is not stays as it was', async () => {
    const stats = new WatchedStats(memory);
    let reads = 0;
    const counting: FileSystemPort = { platform: stats.platform, stat: (p) => stats.stat(p), readDirectory: (p) => stats.readDirectory(p), generation: () => stats.generation(), readFile: (p, m) => { reads++; return stats.readFile(p, m); } };
    const service = createEmsService({ fs: counting, now: () => NOW });
    const t = text('/a', PASSPHRASE);
    await service.check({ text: t, path: configPath, settings });
    const readsBefore = reads;
    await service.check({ text: t.replace('/a', '/b'), path: configPath, settings });
    assert.equal(reads, readsBefore, 'nothing read again');
    put({ [cert]: 'expired.pem' });
    stats.forget();
    const after = (await service.check({ text: t, path: configPath, settings })).findings;
    assert.ok(after.some((f) => f.code === 'cert-expired'));
    put({ [cert]: 'server.pem' });
  });
});
