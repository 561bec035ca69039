// The CLI's process pool: whatever happens to a child process, every config is checked once and reported in
// the order asked. Stand-in children fail in the ways a real one could.
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkAll, type Child } from '../../server/src/cli/pool';
import { NOW } from '../helpers/pki';
import { CLI } from '../helpers/repo';
import { config, SETTINGS } from '../helpers/service';

const work = mkdtempSync(path.join(tmpdir(), 'ems-pool-'));
after(() => rmSync(work, { recursive: true, force: true }));

// 100 configs, every fifth one insecure: its report says so, and no other does.
const configs = Array.from({ length: 100 }, (_, i) => {
  const dir = path.join(work, `dev-${String(i).padStart(3, '0')}`, 'etc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), config(i % 5 ? {} : { certificates: { validate: false } }));
  return path.join(dir, 'config.json');
});
const job = { settings: SETTINGS, now: NOW.getTime() };

function child(name: string, body: string): string {
  const file = path.join(work, name);
  writeFileSync(file, body);
  return file;
}

function assertAllChecked(outcomes: Awaited<ReturnType<typeof checkAll>>): void {
  assert.equal(outcomes.length, configs.length);
  outcomes.forEach((outcome, i) => {
    assert.ok('report' in outcome, `config ${i} has a report`);
    assert.equal(outcome.report.path, configs[i]);
    assert.equal(outcome.report.findings.some((f) => f.code === 'validation-disabled'), i % 5 === 0, configs[i]);
  });
}

describe('process pool', () => {
  test('a child that cannot start leaves every config to this process', { timeout: 20_000 }, async () => {
    assertAllChecked(await checkAll(configs, job, child('dies.js', 'process.exit(1);'), { jobs: 3, childrenWorthMs: 0 }));
  });

  test('a child that dies holding batches: this process checks them', async () => {
    // A stand-in child that asks for two batches, as a real one does, and dies once it holds them.
    let held = 0;
    const dying = Object.assign(new EventEmitter(), {
      send(message: object) {
        if ('job' in message) setImmediate(() => { dying.emit('message', { ask: true }); dying.emit('message', { ask: true }); });
        if ('batch' in message && ++held === 2) setImmediate(() => dying.emit('exit', 3));
        return true;
      },
      kill: () => true,
    });
    assertAllChecked(await checkAll(configs, job, 'unused', { jobs: 2, startChild: () => dying as unknown as Child, childrenWorthMs: 0 }));
    assert.equal(held, 2, 'the child held two batches when it died');
  });

  test('a child that cannot be reached is stopped, and its batches checked here', async () => {
    let killed = false;
    const unreachable = Object.assign(new EventEmitter(), {
      send() {
        setImmediate(() => unreachable.emit('error', new Error('channel closed')));
        return false;
      },
      kill: () => (killed = true),
    });
    assertAllChecked(await checkAll(configs, job, 'unused', { jobs: 2, startChild: () => unreachable as unknown as Child, childrenWorthMs: 0 }));
    assert.ok(killed);
  });

  test('real children take batches, and the reports are the same as from one process alone', { timeout: 60_000 }, async () => {
    // Enough configs that this process is still busy when a child has started (~150 ms).
    const many = Array.from({ length: 20 }, () => configs).flat();
    let fromChildren = 0;
    const startChild = (script: string) => {
      const real = fork(script, [], { env: { ...process.env, EMS_CONFIG_POOL_CHILD: '1' }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      real.on('message', (message: { results?: unknown[] }) => { fromChildren += message.results?.length ?? 0; });
      return real;
    };
    const shared = await checkAll(many, job, CLI, { jobs: 3, startChild, childrenWorthMs: 0 });
    assert.ok(fromChildren > 0, 'the children checked some configs');
    assert.deepEqual(shared, await checkAll(many, job, CLI, { jobs: 1 }));
  });

  test('a light fleet starts no child: this process alone would be done within a second', async () => {
    let started = 0;
    const outcomes = await checkAll(configs, job, 'unused', { jobs: 4, startChild: () => { started++; throw new Error('no child expected'); } });
    assertAllChecked(outcomes);
    assert.equal(started, 0);
  });
});
