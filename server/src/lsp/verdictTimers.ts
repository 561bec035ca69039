// An open config that nobody touches must still flip from "expires soon" to "expired": each document's
// check says when its next certificate verdict changes, and this re-checks the document at that instant.
/** The clock and timer functions, injectable so that tests never wait for (or judge by) the real clock. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's setTimeout takes at most 2^31 − 1 ms (about 24.8 days); a longer wait is taken in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The real clock: certificates are judged at the current instant. */
export const SYSTEM_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class VerdictTimers {
  private readonly pending = new Map<string, { at: number; handle: unknown }>();

  constructor(private readonly recheck: (uri: string) => void, private readonly timers: Timers) {}

  /** Re-check `uri` at `at` (replacing any earlier timer); undefined: no verdict will change. */
  set(uri: string, at: Date | undefined): void {
    const current = this.pending.get(uri);
    if (current && current.at === at?.getTime()) return;
    this.clear(uri);
    if (at) this.arm(uri, at.getTime());
  }

  clear(uri: string): void {
    const current = this.pending.get(uri);
    if (current) this.timers.clearTimeout(current.handle);
    this.pending.delete(uri);
  }

  private arm(uri: string, at: number): void {
    const delay = Math.max(0, at - this.timers.now());
    const handle = this.timers.setTimeout(() => {
      this.pending.delete(uri);
      if (this.timers.now() < at) this.arm(uri, at); // a step of a long wait
      else this.recheck(uri);
    }, Math.min(delay, MAX_DELAY_MS));
    this.pending.set(uri, { at, handle });
  }
}
