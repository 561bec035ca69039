// Synthetic EMS binaries: seeded random bytes around the two NUL-terminated strings a real wsems holds
// (its banner and, a little after, its build), so tests never need (or ship) PTC's binaries.

export const BANNER = 'ThingWorx Websockets MicroServer, version ';

export interface FakeBinary {
  /** x.y.z.build placed after the banner; omitted: a banner without a build. */
  build?: string;
  /** Leave the banner out (a build number alone must not count). */
  banner?: boolean;
  /** Random bytes before the banner, between the banner and the build, after the build. */
  before?: number;
  gap?: number;
  after?: number;
  seed?: number;
}

/** Bytes shaped like wsems: …random…banner\0…gap…\0build\0…random… */
export function fakeWsems({ build, banner = true, before = 40_000, gap = 1_300, after = 20_000, seed = 1 }: FakeBinary = {}): Buffer {
  const random = noise(seed);
  const parts = [random(before)];
  if (banner) parts.push(Buffer.from(`${BANNER}\0`, 'latin1'), random(gap));
  if (build !== undefined) parts.push(Buffer.from(`\0${build}\0`, 'latin1'));
  parts.push(random(after));
  return Buffer.concat(parts);
}

/** A deterministic byte source (xorshift32), without digits: no accidental build number in the noise. */
function noise(seed: number): (length: number) => Buffer {
  let state = seed >>> 0 || 1;
  return (length) => {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13; state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5; state >>>= 0;
      const byte = state & 0xff;
      bytes[i] = byte >= 0x30 && byte <= 0x39 ? byte + 0x40 : byte;
    }
    return bytes;
  };
}
