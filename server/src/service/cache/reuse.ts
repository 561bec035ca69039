// Results kept for reuse while what they were derived from still holds. The store knows nothing of what a
// result depends on: each entry carries its own test (made from the record of what its check used), and an
// entry is dropped once the port reports a change on disk or the clock passes the instant it holds until.
const MAX_ENTRIES = 16;

export interface Reusable<T> {
  /** The file-system port's change count when the result was made. */
  readonly generation: number;
  /** Milliseconds since the epoch: the result holds before this instant. */
  readonly validUntil: number;
  readonly value: T;
}

export class ReuseStore<T> {
  private entries: Reusable<T>[] = [];

  /** The newest entry made at this generation, valid at `now`, for which `holds` is true. */
  find(generation: number, now: number, holds: (value: T) => boolean): T | undefined {
    this.entries = this.entries.filter((entry) => entry.generation === generation && now < entry.validUntil);
    const index = this.entries.findIndex((entry) => holds(entry.value));
    if (index < 0) return undefined;
    const [entry] = this.entries.splice(index, 1);
    this.entries.unshift(entry!); // most recently used first
    return entry!.value;
  }

  keep(entry: Reusable<T>): void {
    this.entries.unshift(entry);
    this.entries.length = Math.min(this.entries.length, MAX_ENTRIES);
  }
}
