// A fleet of configs is CPU-bound (certificate parsing, key unlocking in OpenSSL): spread it over worker
// threads, one service (and certificate cache) each, and give the reports back in the order asked.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkConfig, type CheckJob, type Outcome, serviceFor } from './checkConfig';

/** Below this many configs a worker's start-up (tens of ms) costs more than it saves. */
const MIN_PER_WORKER = 24;

interface WorkerInput extends CheckJob {
  configs: string[];
}

export async function checkAll(configs: string[], job: CheckJob, entry: string): Promise<Outcome[]> {
  const workers = Math.min(availableParallelism(), Math.floor(configs.length / MIN_PER_WORKER));
  if (workers < 2) {
    const service = serviceFor(job);
    const outcomes: Outcome[] = [];
    for (const config of configs) outcomes.push(await checkConfig(service, config, job.settings));
    return outcomes;
  }
  // Every worker takes every n-th config: neighbours often share files, and loads even out.
  const shares = Array.from({ length: workers }, (_, w) => configs.filter((_, i) => i % workers === w));
  const results = await Promise.all(shares.map((share) => runWorker(entry, { ...job, configs: share })));
  return configs.map((_, i) => results[i % workers]![Math.floor(i / workers)]!);
}

function runWorker(entry: string, input: WorkerInput): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: input });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`a worker stopped with exit code ${code}`)); });
  });
}

/** In a worker thread: check the configs handed over and post the outcomes. */
export function isWorker(): boolean {
  return !isMainThread && (workerData as WorkerInput | undefined)?.configs !== undefined;
}

export async function workerMain(): Promise<void> {
  const input = workerData as WorkerInput;
  const service = serviceFor(input);
  const outcomes: Outcome[] = [];
  for (const config of input.configs) outcomes.push(await checkConfig(service, config, input.settings));
  parentPort!.postMessage(outcomes);
}
