// Runs checks in a worker thread, one at a time, so that the LSP thread stays free to answer. A newer check of
// the same document replaces one still waiting (cancellation: the old text is never checked); one that runs
// past its deadline is stopped by ending the worker, which the next check starts afresh.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckRequest, DetachedCheck } from '../service';

export interface CheckJob {
  kind: 'check';
  id: number;
  request: CheckRequest;
  /** The instant certificates are judged at, from the server's clock (tests inject it). */
  now: number;
  /** The client watches the files a check read: the worker may remember their stats until told otherwise. */
  watched: boolean;
}

export type WorkerMessage = CheckJob | { kind: 'forget' };

export type WorkerReply =
  | { id: number; started: true }
  | { id: number; ok: true; result: DetachedCheck }
  | { id: number; ok: false; error: string };

/** Why a check gave no result: a newer one replaced it, or it ran past its deadline. */
export class CheckStopped extends Error {
  constructor(readonly reason: 'superseded' | 'deadline', message: string) {
    super(message);
  }
}

interface Pending {
  job: CheckJob;
  key: string;
  resolve: (result: DetachedCheck) => void;
  reject: (error: Error) => void;
}

/** A check no real config needs: a hostile file set stops here rather than keep the worker for ever. */
export const DEFAULT_DEADLINE_MS = 20_000;

export class CheckPool {
  private worker: Worker | undefined;
  private running: (Pending & { timer?: NodeJS.Timeout }) | undefined;
  /** Waiting checks by document: a newer one replaces the older. */
  private readonly waiting = new Map<string, Pending>();
  private nextId = 1;

  constructor(private readonly deadlineMs = DEFAULT_DEADLINE_MS, private readonly script = join(__dirname, 'checkWorker.js')) {}

  /** Checks in the worker; `key` names the document, so that a newer check of it replaces a waiting one. */
  check(key: string, request: CheckRequest, now: number, watched: boolean): Promise<DetachedCheck> {
    return new Promise((resolve, reject) => {
      this.waiting.get(key)?.reject(new CheckStopped('superseded', 'a newer version of the document is being checked'));
      this.waiting.set(key, { job: { kind: 'check', id: this.nextId++, request, now, watched }, key, resolve, reject });
      this.startNext();
    });
  }

  /** Files changed on disk: the worker's remembered stats are out of date. */
  forget(): void {
    this.worker?.postMessage({ kind: 'forget' } satisfies WorkerMessage);
  }

  dispose(): void {
    const stopping = new CheckStopped('superseded', 'the server is stopping');
    for (const pending of this.waiting.values()) pending.reject(stopping);
    this.waiting.clear();
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.reject(stopping);
      this.running = undefined;
    }
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private startNext(): void {
    if (this.running) return;
    const next = this.waiting.values().next();
    if (next.done) return;
    const pending = next.value;
    this.waiting.delete(pending.key);
    this.running = pending;
    this.ensureWorker().postMessage(pending.job satisfies WorkerMessage);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: WorkerReply) => this.finish(reply));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', () => this.fail(worker, new Error('the check worker stopped')));
    // The server's life is the connection's: a worker must not keep the process alive.
    worker.unref();
    return (this.worker = worker);
  }

  private finish(reply: WorkerReply): void {
    const running = this.running;
    if (!running || running.job.id !== reply.id) return;
    // The deadline counts from the worker's start on the job: starting a fresh worker is not the check's time.
    if ('started' in reply) {
      running.timer = setTimeout(() => this.stopRunning(), this.deadlineMs);
      return;
    }
    clearTimeout(running.timer);
    this.running = undefined;
    if (reply.ok) running.resolve(reply.result);
    else running.reject(new Error(reply.error));
    this.startNext();
  }

  /** The running check took too long: end the worker (its work cannot be interrupted otherwise). */
  private stopRunning(): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    const limit = this.deadlineMs >= 1000 ? `${Math.round(this.deadlineMs / 1000)} s` : `${this.deadlineMs} ms`;
    running.reject(new CheckStopped('deadline', `the check took longer than ${limit} and was stopped`));
    this.startNext();
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return; // a worker ended on purpose
    this.worker = undefined;
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.reject(error);
    }
    this.startNext();
  }
}
