// One config file, read and checked: shared by the CLI and its child processes.
import { blockingFileSystem } from '../node/fileSystem';
import { createEmsService, decodeConfig, type EmsService, FsError, type Settings } from '../service';
import type { FileReport } from './report';

/** Larger than any real config (a 40,000-line one is about 1.5 MB); bounds what a wrong path can make us read. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export type Outcome = { report: FileReport } | { error: string };

export interface CheckJob {
  settings: Settings;
  /** Milliseconds since the epoch of --now, or undefined for the clock. */
  now: number | undefined;
}

export function serviceFor(job: CheckJob): EmsService {
  return createEmsService({ fs: blockingFileSystem, now: () => (job.now === undefined ? new Date() : new Date(job.now)) });
}

/** A config file's text, as the check takes it, or why it cannot be read. */
export async function readConfig(config: string): Promise<{ text: string; invalidUtf8At?: number } | { error: string }> {
  try {
    return decodeConfig(await blockingFileSystem.readFile(config, MAX_CONFIG_BYTES));
  } catch (error) {
    const tooLarge = error instanceof FsError && error.kind === 'too-large';
    return { error: tooLarge ? `larger than any EMS config (limit ${MAX_CONFIG_BYTES} bytes)` : describeError(error) };
  }
}

export async function checkConfig(service: EmsService, config: string, settings: Settings): Promise<Outcome> {
  const read = await readConfig(config);
  if ('error' in read) return { error: `${config}: ${read.error}` };
  const { text, invalidUtf8At } = read;
  const result = await service.check({ text, path: config, settings, invalidUtf8At });
  return { report: { path: config, home: result.home, target: result.target, findings: result.findings } };
}

export function describeError(error: unknown): string {
  if (!(error instanceof FsError)) return String(error);
  switch (error.kind) {
    case 'not-found': return 'no such file or folder';
    case 'permission': return 'permission denied';
    case 'loop': return 'symbolic link loop';
    case 'not-regular': return 'not a regular file';
    default: return error.message;
  }
}
