// The release an EMS binary says it is. wsems prints its banner from two NUL-terminated strings:
// "ThingWorx Websockets MicroServer, version " and, a little after it, the build ("5.4.0.114"; 1,300 bytes
// later in 5.3.4). The bytes arrive in chunks, so a banner split between two chunks is still found.

const BANNER = Buffer.from('ThingWorx Websockets MicroServer, version \0', 'latin1');
/** How far after the banner its build number may lie. */
const NEAR = 4096;
/** A NUL-terminated x.y.z.build, itself after a NUL (or right after the banner's). */
const BUILD = /(?:^|\0)(\d{1,4})\.(\d{1,4})\.(\d{1,4})\.(\d{1,9})\0/;

export class VersionScanner {
  /** Bytes not yet searched to the end: the tail a banner may start in, or a banner whose window is short. */
  private held: Buffer = Buffer.alloc(0);

  /** x.y.z.build once found in what was pushed so far. */
  push(chunk: Uint8Array): string | undefined {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return this.search(this.held.length ? Buffer.concat([this.held, view]) : view, false);
  }

  /** The end of the file: a banner closer than NEAR to it is searched with what there is. */
  end(): string | undefined {
    return this.search(this.held, true);
  }

  private search(data: Buffer, ended: boolean): string | undefined {
    for (let from = 0; ;) {
      const at = data.indexOf(BANNER, from);
      if (at < 0) {
        // Copied: the chunk's buffer is the reader's, reused for the next chunk.
        this.held = Buffer.from(data.subarray(Math.max(from, data.length - BANNER.length + 1)));
        return undefined;
      }
      const start = at + BANNER.length;
      if (!ended && data.length < start + NEAR) {
        this.held = Buffer.from(data.subarray(at));
        return undefined;
      }
      const build = BUILD.exec(data.subarray(start, start + NEAR).toString('latin1'));
      if (build) return build.slice(1).map(Number).join('.');
      from = at + 1;
    }
  }
}

/** The release of a build: its first three parts. */
export function releaseOf(build: string): string {
  return build.split('.').slice(0, 3).join('.');
}
