// A fleet of configs is CPU-bound, and most of that CPU is OpenSSL 3.0 decoding certificates and keys. Its
// decoders take locks that every thread of a process shares: on worker threads, two decode more slowly than
// one (docs/architecture.md, "The CLI on many cores"). Processes share no lock, so a heavy fleet is split
// between this process and one child process per further core. A child costs a Node start (~150 ms here)
// and slows this process a little while both run, so this process starts checking alone and starts
// children only when its own pace says the rest would take it more than a second. Configs go out in small
// batches on request; a child holds one batch in reserve, so it never waits. If a child dies, this process
// checks what it held. Reports come back in the order asked.
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { checkConfig, type CheckJob, type Outcome, serviceFor } from './checkConfig';

/** Configs per batch: small enough to even out the end, large enough that asking costs nothing. */
const BATCH = 8;
/** Children are worth their start when this process alone would need longer than this for the rest. */
const CHILDREN_WORTH_MS = 1000;
/** The first batches run on a cold JIT and cold caches: children are considered from this one on, when the
 * fastest batch so far is near the warm pace (the very first is not timed at all). */
const PACE_FROM_BATCH = 8;
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

export interface PoolOptions {
  /** Processes in all, this one included (default: one per core). */
  jobs?: number;
  startChild?: (entry: string) => Child;
  childrenWorthMs?: number;
}

/** `entry`: the script a child runs (the CLI's own). */
export async function checkAll(configs: string[], job: CheckJob, entry: string, options: PoolOptions = {}): Promise<Outcome[]> {
  const { jobs = availableParallelism(), startChild = forkChild, childrenWorthMs = CHILDREN_WORTH_MS } = options;
  const outcomes: Outcome[] = new Array(configs.length);
  let next = 0;
  const take = (): Batch | undefined => {
    if (next >= configs.length) return undefined;
    const batch = { from: next, to: Math.min(configs.length, next + BATCH) };
    next = batch.to;
    return batch;
  };
  const orphaned: Batch[] = [];
  const children: RunningChild[] = [];
  const service = serviceFor(job);
  const checkBatch = async ({ from, to }: Batch) => {
    for (let i = from; i < to; i++) outcomes[i] = await checkConfig(service, configs[i]!, job.settings);
  };
  let batches = 0;
  let pace = Infinity; // ms per config: the fastest batch, the one nearest a warm JIT's pace
  for (let batch = take(); batch; batch = take()) {
    const started = performance.now();
    await checkBatch(batch);
    if (++batches > 1) pace = Math.min(pace, (performance.now() - started) / (batch.to - batch.from));
    if (!children.length && batches >= PACE_FROM_BATCH && (configs.length - next) * pace >= childrenWorthMs) {
      for (let i = 1; i < jobs; i++) children.push(runChild(startChild(entry), { job, configs }, take, outcomes, orphaned));
    }
    await yieldToEvents(); // the checks never wait on IO: let the children's requests in
  }
  // Nothing is left to hand out: a child holding no batch has nothing more to give.
  for (const child of children) child.stopIfIdle();
  await Promise.all(children.map((child) => child.done));
  for (const batch of orphaned) await checkBatch(batch);
  return outcomes;
}

interface RunningChild {
  done: Promise<void>;
  stopIfIdle(): void;
}

function runChild(child: Child, start: ToChild, take: () => Batch | undefined, outcomes: Outcome[], orphaned: Batch[]): RunningChild {
  const held = new Map<number, Batch>();
  const done = new Promise<void>((resolve) => {
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
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
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
  return { done, stopIfIdle: () => { if (!held.size) child.kill(); } };
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
