// Workspace trust. A config in a freshly cloned repository is checked at once and may name any path, so in an
// untrusted workspace every stat, read and listing goes through a gate: allowed only inside the workspace
// folders or the EMS home of the config, judged on the path with `..` and symbolic links resolved (a link
// inside the workspace that leads out is not followed). Trusted — the default, the CLI — there is no gate.
import * as path from 'node:path';
import type { FileSystemPort } from '../ports';
import type { Settings } from '../types';
import { Recent } from '../../util/recent';

/** A path the gate refused; `leadsTo` when it is inside by name but its links lead out. */
export class OutsideWorkspace extends Error {
  constructor(readonly path: string, readonly leadsTo?: string) {
    super(`${path} is outside the workspace folders and the EMS home`);
  }
}

/** Whether the check reads only inside the workspace folders and the home. */
export function isUntrusted(settings: Settings): boolean {
  return settings.trust?.trusted === false;
}

/**
 * The ports checks read through, one per service: `fs` itself when trusted, else a gate in front of it. A
 * gate remembers what it resolved while the port reports no change (its client watches the files), as
 * WatchedStats remembers stats, so a keystroke resolves no link again; without that, one gate per call.
 */
export class TrustGates {
  private readonly gates = new Recent<FileSystemPort>(16);

  constructor(private readonly fs: FileSystemPort) {}

  portFor(settings: Settings, home: string | undefined): FileSystemPort {
    if (!isUntrusted(settings)) return this.fs;
    const roots = [...settings.trust!.folders, ...(home ? [home] : [])];
    const generation = this.fs.generation?.();
    if (generation === undefined) return gatedFileSystem(this.fs, roots);
    const key = JSON.stringify([generation, roots]);
    return this.gates.use(key) ?? this.gates.keep(key, gatedFileSystem(this.fs, roots));
  }
}

/** `fs` behind a gate that admits only paths inside `roots` (absolute folders). */
function gatedFileSystem(fs: FileSystemPort, roots: readonly string[]): FileSystemPort {
  const gate = new Gate(fs, roots);
  // The underlying port gets the resolved path: a link swapped after the decision is not followed.
  const port: FileSystemPort = {
    platform: fs.platform,
    stat: async (file) => fs.stat(await gate.admit(file)),
    readFile: async (file, maxBytes) => fs.readFile(await gate.admit(file), maxBytes),
    readDirectory: async (folder) => {
      const real = await gate.admit(folder).catch(() => undefined);
      return real === undefined ? [] : fs.readDirectory(real);
    },
  };
  if (fs.readChunks) port.readChunks = async (file, maxBytes, take) => fs.readChunks!(await gate.admit(file), maxBytes, take);
  if (fs.realpath) port.realpath = (file) => gate.admit(file);
  if (fs.generation) port.generation = () => fs.generation!();
  return port;
}

class Gate {
  private readonly paths: path.PlatformPath;
  private roots: Promise<{ named: string[]; real: string[] }> | undefined;
  /** Bounded: a gate kept across keystrokes sees every name completion offers. */
  private readonly decided = new Recent<Promise<string>>(4096);

  constructor(private readonly fs: FileSystemPort, private readonly folders: readonly string[]) {
    this.paths = fs.platform === 'win32' ? path.win32 : path.posix;
  }

  /** The path with links resolved, when it lies inside a root; else rejects with OutsideWorkspace. */
  admit(file: string): Promise<string> {
    return this.decided.use(file) ?? this.decided.keep(file, this.decide(file));
  }

  private async decide(file: string): Promise<string> {
    if (!this.paths.isAbsolute(file)) throw new OutsideWorkspace(file);
    const named = this.paths.normalize(file);
    const roots = await this.rootsOnce();
    // Outside by name: refused without touching the disk.
    if (!this.insideAny(named, [...roots.named, ...roots.real])) throw new OutsideWorkspace(file);
    const real = await this.resolve(named);
    if (real === undefined || !this.insideAny(real, roots.real)) throw new OutsideWorkspace(file, real);
    return real;
  }

  private rootsOnce(): Promise<{ named: string[]; real: string[] }> {
    this.roots ??= (async () => {
      const named = [...new Set(this.folders.filter((f) => this.paths.isAbsolute(f)).map((f) => this.paths.normalize(f)))];
      // A root that cannot be resolved (gone from disk) counts as named: nothing is read there anyway.
      const real = await Promise.all(named.map(async (root) => (await this.resolve(root)) ?? root));
      return { named, real };
    })();
    return this.roots;
  }

  /**
   * Every symbolic link resolved. A path that does not exist (yet) is its nearest existing folder resolved
   * with the rest appended, so a missing file behind a link that leads out is still outside. Undefined when
   * the port resolves links but not even the root of the path.
   */
  private async resolve(file: string): Promise<string | undefined> {
    const realpath = this.fs.realpath?.bind(this.fs);
    if (!realpath) return file; // a port without links
    const rest: string[] = [];
    for (let at = file; ;) {
      try {
        return this.paths.join(await realpath(at), ...rest);
      } catch {
        const parent = this.paths.dirname(at);
        if (parent === at) return undefined;
        rest.unshift(this.paths.basename(at));
        at = parent;
      }
    }
  }

  private insideAny(file: string, roots: readonly string[]): boolean {
    return roots.some((root) => {
      const relative = this.paths.relative(root, file);
      return relative === '' || (relative !== '..' && !relative.startsWith(`..${this.paths.sep}`) && !this.paths.isAbsolute(relative));
    });
  }
}
