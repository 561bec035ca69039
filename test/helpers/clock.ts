// The language server's clock and timers for tests: time moves only when the test says so.
import type { Timers } from '../../server/src/lsp/verdictTimers';

/** A clock that moves only when told; timers fire when it passes them. */
export class TestClock implements Timers {
  private time: number;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  constructor(start: Date) {
    this.time = start.getTime();
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pendingAt(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }

  advanceTo(time: number): void {
    this.time = time;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= time) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }
}
