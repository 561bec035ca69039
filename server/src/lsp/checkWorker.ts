// The worker thread that runs checks, so that the LSP thread answers while a hostile file is judged. It keeps
// its own service (its caches live here) and sends back a detached result: plain data, no parsed document (the
// LSP thread rebuilds it from the text) and no key handle.
import { parentPort } from 'node:worker_threads';
import { nodeFileSystem } from '../node/fileSystem';
import { WatchedStats } from '../node/watchedStats';
import { createEmsService, detach, type EmsService } from '../service';
import type { CheckJob, WorkerMessage, WorkerReply } from './checkPool';

if (!parentPort) throw new Error('checkWorker.js runs as a worker thread of the language server');
const port = parentPort;

let jobNow = new Date();
const stats = new WatchedStats(nodeFileSystem);
let service: EmsService | undefined;

port.on('message', (message: WorkerMessage) => {
  if (message.kind === 'forget') stats.forget();
  else void run(message);
});

async function run(job: CheckJob): Promise<void> {
  // Stats are remembered only when the client watches the files (it then says when they change).
  service ??= createEmsService({ fs: job.watched ? stats : nodeFileSystem, now: () => jobNow });
  jobNow = new Date(job.now);
  port.postMessage({ id: job.id, started: true } satisfies WorkerReply);
  let reply: WorkerReply;
  try {
    reply = { id: job.id, ok: true, result: detach(await service.check(job.request)) };
  } catch (error) {
    reply = { id: job.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  port.postMessage(reply);
}
