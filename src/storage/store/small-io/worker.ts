// The small-file worker thread: receives batches of jobs (jobs.ts), answers each batch with its
// results in order. The data read goes back transferred, not copied.
import { parentPort } from 'node:worker_threads';
import { runJob, type SmallIoJob, type SmallIoResult } from './jobs.js';

const port = parentPort;
if (!port) throw new Error('small-io/worker.js runs as a worker thread');
port.on('message', (jobs: SmallIoJob[]) => {
  const results: SmallIoResult[] = jobs.map(runJob);
  const transfer: ArrayBuffer[] = [];
  for (const r of results) {
    if (r.ok && r.kind === 'read' && r.data) transfer.push(r.data.buffer as ArrayBuffer);
  }
  port.postMessage(results, transfer);
});
