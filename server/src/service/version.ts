// EMS release numbers (x.y.z) and the questions checks ask of them.

export type Version = readonly [number, number, number];

/**
 * The EMS releases offered as targets, oldest first (any x.y.z is accepted; these are the ones to pick from).
 * The newest is the default target (DEFAULT_SETTINGS). package.json lists the same releases as the examples
 * of emsConfig.emsVersion, which the client's version picker shows; test/unit/defaults.test.ts keeps them equal.
 */
export const KNOWN_RELEASES = ['5.3.4', '5.4.0', '5.4.3', '5.4.5', '5.4.6', '5.4.7', '5.4.8', '5.4.10', '5.4.12', '5.5.0'] as const;

/** The newest known release. */
export const NEWEST_RELEASE: string = KNOWN_RELEASES[KNOWN_RELEASES.length - 1]!;

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** target >= since; an unparsable bound never applies. */
export function atLeast(target: Version, since: string | undefined): boolean {
  if (since === undefined) return true;
  const bound = parseVersion(since);
  return bound !== undefined && compareVersions(target, bound) >= 0;
}

export function before(target: Version, bound: string | undefined): boolean {
  if (bound === undefined) return false;
  const v = parseVersion(bound);
  return v !== undefined && compareVersions(target, v) < 0;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}

/** target <= bound: the release is at most the newest one known not to read a key (x-ems-unreadThrough). */
export function atMost(target: Version, bound: string | undefined): boolean {
  if (bound === undefined) return false;
  const v = parseVersion(bound);
  return v !== undefined && compareVersions(target, v) <= 0;
}
