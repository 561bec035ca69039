// One config file, read and checked: shared by the CLI's main thread and its workers.
import { promises as fs } from 'node:fs';
import { nodeFileSystem } from '../node/fileSystem';
import { createEmsService, type EmsService } from '../service';
import { decodeConfig } from '../service/decode';
import type { Settings } from '../service/types';
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
  return createEmsService({ fs: nodeFileSystem, now: () => (job.now === undefined ? new Date() : new Date(job.now)) });
}

export async function checkConfig(service: EmsService, config: string, settings: Settings): Promise<Outcome> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(config);
    if (stat.size > MAX_CONFIG_BYTES) return { error: `${config}: ${stat.size} bytes is larger than any EMS config (limit ${MAX_CONFIG_BYTES})` };
    bytes = await fs.readFile(config);
  } catch (error) {
    return { error: `${config}: ${describeError(error)}` };
  }
  const { text, invalidUtf8At } = decodeConfig(bytes);
  const result = await service.check({ text, path: config, settings, invalidUtf8At });
  return { report: { path: config, home: result.home, findings: result.findings } };
}

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'symbolic link loop';
    case 'EISDIR': return 'is a folder';
    default: return code ?? String(error);
  }
}
