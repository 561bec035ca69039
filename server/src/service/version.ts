// EMS release numbers (x.y.z) and the questions checks ask of them.

export type Version = readonly [number, number, number];

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
