// The CLI's process pool: whatever happens to a child process, every config is checked once and reported in
// the order asked. Stand-in children fail in the ways a real one could.
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkAll, type Child } from '../../server/src/cli/pool';
import { config } from '../helpers/service';

const work = mkdtempSync(path.join(tmpdir(), 'ems-pool-'));
after(() => rmSync(work, { recursive: true, force: true }));

// 100 configs, every fifth one insecure: its report says so, and no other does.
const configs = Array.from({ length: 100 }, (_, i) => {
  const dir = path.join(work, `dev-${String(i).padStart(3, '0')}`, 'etc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), config(i % 5 ? {} : { certificates: { validate: false } }));
  return path.join(dir, 'config.json');
});
const job = { settings: { emsVersion: '5.5.0', homeDirectory: '', expiryWarningDays: 30, severity: {} }, now: Date.parse('2026-06-01T00:00:00Z') };

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
    assertAllChecked(await checkAll(configs, job, child('dies.js', 'process.exit(1);'), 3));
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
    assertAllChecked(await checkAll(configs, job, 'unused', 2, () => dying as unknown as Child));
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
    assertAllChecked(await checkAll(configs, job, 'unused', 2, () => unreachable as unknown as Child));
    assert.ok(killed);
  });

  test('real children: the same reports as one process alone', { timeout: 20_000 }, async () => {
    const entry = path.resolve(__dirname, '..', '..', '..', 'server', 'out', 'cli.js');
    const shared = await checkAll(configs, job, entry, 3);
    assertAllChecked(shared);
    assert.deepEqual(shared, await checkAll(configs, job, entry, 1));
  });
});
