/**
 * The server side of `npm run bench:live`, forked by bench/live.ts: a real Rapport (createRapport, the
 * same wiring as server/main.ts) plus what only its own process can measure: event-loop delay, CPU time
 * and RSS. It answers the parent over IPC; the argv is Rapport's own flags.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { createRapport } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';

export interface ServerStats {
  /** Event-loop delay over the window, ms. */
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /** CPU time of the whole process (event loop and onnxruntime threads) over the window; 100 = one core. */
  cpuPercent: number;
  rssMiB: number;
  peakRssMiB: number;
  /** Turns accepted and not yet scored and applied. */
  pending: number;
  /** Model calls over the window and their mean size, from the server's own metrics. */
  batches: number;
  meanBatch: number;
}

export type ServerMessage = { type: 'ready'; url: string; models: { sentiment: string; emotion?: string } } | { type: 'stats'; stats: ServerStats };
export type ParentMessage = { type: 'reset' } | { type: 'stats' } | { type: 'close' };

const rapport = await createRapport(loadConfig(process.argv.slice(2), {}), pino({ level: 'warn' }, pino.destination(2)));
const scraper = await rapport.tokens.issue({ id: 'bench', role: 'metrics' });
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

let windowStart = { at: performance.now(), cpu: process.cpuUsage(), batch: { count: 0, sum: 0 } };
let peakRss = process.memoryUsage.rss();
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250).unref();

/** Batch count and summed sizes from prom-client's histogram, over every model. */
async function batchTotals(): Promise<{ count: number; sum: number }> {
  const metrics = await fetch(`${rapport.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } }).then((r) => r.text());
  let count = 0;
  let sum = 0;
  for (const line of metrics.split('\n')) {
    const [name, value] = line.split(' ');
    if (name?.startsWith('rapport_scoring_batch_size_count')) count += Number(value);
    if (name?.startsWith('rapport_scoring_batch_size_sum')) sum += Number(value);
  }
  return { count, sum };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

async function stats(): Promise<ServerStats> {
  const elapsedMs = performance.now() - windowStart.at;
  const cpu = process.cpuUsage(windowStart.cpu);
  const batch = await batchTotals();
  const batches = batch.count - windowStart.batch.count;
  return {
    loopP50Ms: loop.percentile(50) / 1e6,
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    rssMiB: mib(process.memoryUsage.rss()),
    peakRssMiB: mib(peakRss),
    pending: rapport.pipeline.pending,
    batches,
    meanBatch: batches > 0 ? (batch.sum - windowStart.batch.sum) / batches : 0,
  };
}

const send = (message: ServerMessage) => process.send!(message);

process.on('message', async (message: ParentMessage) => {
  if (message.type === 'reset') {
    loop.reset();
    peakRss = process.memoryUsage.rss();
    windowStart = { at: performance.now(), cpu: process.cpuUsage(), batch: await batchTotals() };
    send({ type: 'stats', stats: await stats() });
  } else if (message.type === 'stats') {
    send({ type: 'stats', stats: await stats() });
  } else if (message.type === 'close') {
    await rapport.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', url: rapport.url, models: rapport.scorer.models });
