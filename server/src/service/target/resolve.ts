// Which EMS release a file is checked as: the one the user chose; else the one the EMS binary in the home
// says it is; else the default (the newest known). Never silent: the result says which, and the binaries
// looked for are dependencies like the files the checks read (a wsems replaced by an upgrade re-checks).
import type { FileSystemPort } from '../ports';
import type { Settings, Target } from '../types';
import { type BinaryVersions, binaryCandidates } from './binary';
import { releaseOf } from './scan';

export interface ResolvedTarget {
  target: Target;
  /** Every binary path stat-ed, and the file a link among them leads to: to watch. */
  files: string[];
}

export async function resolveTarget(settings: Settings, home: string | undefined, fs: FileSystemPort, binaries: BinaryVersions): Promise<ResolvedTarget> {
  const source = settings.emsVersionSource ?? 'setting';
  if (source !== 'default') return { target: { release: settings.emsVersion, source }, files: [] };
  const files: string[] = [];
  for (const binary of binaryCandidates(home, fs.platform)) {
    files.push(binary);
    const build = await binaries.build(fs, binary);
    if (build === undefined) continue;
    const real = await fs.realpath?.(binary).catch(() => binary);
    if (real && real !== binary) files.push(real);
    return { target: { release: releaseOf(build), source: 'binary', binary, build }, files };
  }
  return { target: { release: settings.emsVersion, source: 'default' }, files };
}
