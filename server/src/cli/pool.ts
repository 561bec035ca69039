// A fleet of configs is CPU-bound, and most of that CPU is OpenSSL 3.0 decoding certificates and keys. Its
// decoders take locks that every thread of a process shares: on worker threads, two decode more slowly than
// one (docs/architecture.md, "The CLI on many cores"). Processes share no lock, so the fleet is split between
// this process and one child process per further core. Configs go out in small batches on request; a child
// holds one batch in reserve, so it never waits, and one that starts late (a Node process takes ~150 ms)
// simply takes fewer. If a child dies, this process checks what it held. Reports come back in the order asked.
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { checkConfig, type CheckJob, type Outcome, serviceFor } from './checkConfig';

/** Below this many configs this process is done before a child has started. */
const MIN_FOR_CHILDREN = 64;
/** Configs per batch: small enough to even out the end, large enough that asking costs nothing. */
const BATCH = 8;
/** Set in a child's environment: the process is a pool child, not a command. */
const CHILD_MARK = 'EMS_CONFIG_POOL_CHILD';

type Batch = { from: number; to: number };
type ToChild = { job: CheckJob; configs: string[] } | { batch: Batch } | { none: true };
type FromChild = { ask: true } | { results: [index: number, outcome: Outcome][] };

/** What the pool needs of a child process (tests pass stand-ins). */
export type Child = Pick<ChildProcess, 'send' | 'on' | 'once' | 'kill'>;

function forkChild(entry: string): Child {
  return fork(entry, [], {
    env: { ...process.env, [CHILD_MARK]: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** `jobs`: processes in all, this one included (default: one per core). `entry`: the script a child runs. */
export async function checkAll(configs: string[], job: CheckJob, entry: string, jobs = availableParallelism(), startChild = forkChild): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(configs.length);
  let next = 0;
  const take = (): Batch | undefined => {
    if (next >= configs.length) return undefined;
    const batch = { from: next, to: Math.min(configs.length, next + BATCH) };
    next = batch.to;
    return batch;
  };
  const orphaned: Batch[] = [];
  const children = configs.length < MIN_FOR_CHILDREN ? 0 : Math.max(0, jobs - 1);
  const running = Array.from({ length: children }, () => runChild(startChild(entry), { job, configs }, take, outcomes, orphaned));
  const service = serviceFor(job);
  const checkBatch = async ({ from, to }: Batch) => {
    for (let i = from; i < to; i++) outcomes[i] = await checkConfig(service, configs[i]!, job.settings);
  };
  for (let batch = take(); batch; batch = take()) {
    await checkBatch(batch);
    await yieldToEvents(); // the checks never wait on IO: let the children's requests in
  }
  await Promise.all(running);
  for (const batch of orphaned) await checkBatch(batch);
  return outcomes;
}

function runChild(child: Child, start: ToChild, take: () => Batch | undefined, outcomes: Outcome[], orphaned: Batch[]): Promise<void> {
  return new Promise((resolve) => {
    const held = new Map<number, Batch>();
    const send = (message: ToChild) => child.send(message);
    child.on('message', (message: FromChild) => {
      if ('ask' in message) {
        const batch = take();
        if (batch) held.set(batch.from, batch);
        send(batch ? { batch } : { none: true });
        return;
      }
      for (const [index, outcome] of message.results) outcomes[index] = outcome;
      held.delete(message.results[0]![0]);
    });
    // A child that could not start, died, or cannot be reached leaves its batches to this process.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      orphaned.push(...held.values());
      resolve();
    };
    child.on('error', () => {
      child.kill();
      finish();
    });
    child.once('exit', finish);
    send(start);
  });
}

export function isPoolChild(): boolean {
  return process.env[CHILD_MARK] === '1' && typeof process.send === 'function';
}

/** In a child: ask for a batch (keeping one in reserve), check it, send the outcomes; stop when none is left. */
export function childMain(): void {
  const send = (message: FromChild) => process.send!(message);
  const queue: Batch[] = [];
  let given: { configs: string[]; job: CheckJob; service: ReturnType<typeof serviceFor> } | undefined;
  let busy = false;
  let exhausted = false;
  // Both requests in reserve may come back empty: leave once, when nothing is left to do.
  const leaveIfDone = () => {
    if (exhausted && !busy && !queue.length && process.connected) process.disconnect();
  };
  const work = async () => {
    if (busy || !given) return;
    busy = true;
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      if (!exhausted) send({ ask: true });
      const results: [number, Outcome][] = [];
      for (let i = batch.from; i < batch.to; i++) results.push([i, await checkConfig(given.service, given.configs[i]!, given.job.settings)]);
      send({ results });
      await yieldToEvents();
    }
    busy = false;
    leaveIfDone();
  };
  process.on('message', (message: ToChild) => {
    if ('job' in message) {
      given = { ...message, service: serviceFor(message.job) };
      send({ ask: true });
      send({ ask: true });
    } else if ('batch' in message) {
      queue.push(message.batch);
      void work();
    } else {
      exhausted = true;
      leaveIfDone();
    }
  });
}
