/**
 * `npm run bench:model`: the raw limit. Scores the same dialogue turns as the live benchmark straight
 * through onnxruntime-node (transformers.js only tokenizes, outside the timed call), per model, weight
 * type and batch size, and prints turns per second and latency per batch.
 *
 *   npm run bench:model -- [--models rapport-sentiment,bench-distilbert] [--batches 1,2,4,8,16,32]
 *                          [--seconds 4] [--threads N] [--max-load 1.5] [--wait-s 300]
 */
import { parseArgs } from 'node:util';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { loadTurnTexts } from './lib/dialogue.ts';
import { describeMachine, waitForQuietMachine, writeResult, type Machine } from './lib/machine.ts';
import { DEFAULT_MODELS, dtypesOf, ensureModel, MODELS_DIR, onnxFile, type Dtype } from './lib/models.ts';
import { fmt, percentile, textTable } from './lib/stats.ts';
import { writeReport } from './report.ts';

export interface BatchPoint {
  batch: number;
  batches: number;
  turnsPerSecond: number;
  /** Milliseconds per onnxruntime call, batch padded to its longest turn. */
  p50Ms: number;
  p99Ms: number;
  /** Mean tokens per turn after padding, and tokenizing time per batch (not in the figures above). */
  paddedTokens: number;
  tokenizeMs: number;
}

export interface ModelRun {
  model: string;
  dtype: Dtype;
  threads: string;
  points: BatchPoint[];
  /** The best turns/s over all batch sizes: the raw limit the live benchmark compares against. */
  limit: number;
}

export interface ModelResult {
  date: string;
  machine: Machine;
  seconds: number;
  runs: ModelRun[];
}

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: DEFAULT_MODELS.join(',') },
    batches: { type: 'string', default: '1,2,4,8,16,32' },
    seconds: { type: 'string', default: '4' },
    threads: { type: 'string' },
    'max-load': { type: 'string', default: '1.5' },
    'wait-s': { type: 'string', default: '300' },
  },
});

type Encoded = { input_ids: { data: BigInt64Array; dims: number[] }; attention_mask: { data: BigInt64Array; dims: number[] } };

async function benchModel(model: string, dtype: Dtype, texts: string[], batches: number[], seconds: number): Promise<ModelRun> {
  env.localModelPath = MODELS_DIR + '/';
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(model);
  // The same options the server's classifier passes (server/scoring/classifier.ts).
  const threads = args.threads ? Number(args.threads) : undefined;
  const session = await ort.InferenceSession.create(onnxFile(model, dtype), threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {});
  let cursor = 0;
  const nextBatch = (size: number) => {
    const batch = Array.from({ length: size }, (_, i) => texts[(cursor + i) % texts.length]!);
    cursor = (cursor + size) % texts.length;
    return batch;
  };
  const run = async (batch: string[]) => {
    const t0 = performance.now();
    const enc = tokenizer(batch, { padding: true, truncation: true }) as unknown as Encoded;
    const feeds = {
      input_ids: new ort.Tensor('int64', enc.input_ids.data, enc.input_ids.dims),
      attention_mask: new ort.Tensor('int64', enc.attention_mask.data, enc.attention_mask.dims),
    };
    const t1 = performance.now();
    await session.run(feeds);
    return { tokenizeMs: t1 - t0, runMs: performance.now() - t1, tokens: enc.input_ids.dims[1]! };
  };
  for (let i = 0; i < 3; i++) await run(nextBatch(8)); // allocation and graph optimisation happen on first runs
  const points: BatchPoint[] = [];
  for (const size of batches) {
    cursor = 0; // every batch size scores the same turns, from the start
    const runMs: number[] = [];
    let tokenizeMs = 0;
    let tokens = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000 || runMs.length < 3) {
      const r = await run(nextBatch(size));
      runMs.push(r.runMs);
      tokenizeMs += r.tokenizeMs;
      tokens += r.tokens;
    }
    const total = runMs.reduce((a, b) => a + b, 0);
    const sorted = [...runMs].sort((a, b) => a - b);
    const point: BatchPoint = {
      batch: size,
      batches: runMs.length,
      turnsPerSecond: (size * runMs.length) / (total / 1000),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      paddedTokens: tokens / runMs.length,
      tokenizeMs: tokenizeMs / runMs.length,
    };
    points.push(point);
    console.log(`  ${model} ${dtype} batch ${size}: ${fmt(point.turnsPerSecond, 1)} turns/s, p50 ${fmt(point.p50Ms, 1)} ms per batch`);
  }
  await session.release();
  return { model, dtype, threads: threads ? String(threads) : 'default', points, limit: Math.max(...points.map((p) => p.turnsPerSecond)) };
}

export function modelTable(run: ModelRun): { head: string[]; rows: string[][] } {
  return {
    head: ['batch', 'turns/s', 'p50 ms/batch', 'p99 ms/batch', 'ms/turn', 'padded tokens', 'tokenize ms'],
    rows: run.points.map((p) => [
      String(p.batch),
      fmt(p.turnsPerSecond, 1),
      fmt(p.p50Ms, 1),
      fmt(p.p99Ms, 1),
      fmt(1000 / p.turnsPerSecond, 2),
      fmt(p.paddedTokens, 1),
      fmt(p.tokenizeMs, 2),
    ]),
  };
}

async function main(): Promise<void> {
  const models = args.models.split(',').filter(Boolean);
  const batches = args.batches.split(',').map(Number);
  const seconds = Number(args.seconds);
  models.forEach(ensureModel);
  const texts = loadTurnTexts();
  await waitForQuietMachine(Number(args['max-load']), Number(args['wait-s']));
  const machine = describeMachine();
  console.log(`bench:model on ${machine.cpu} (${machine.cores} cores), load ${machine.loadBefore.toFixed(2)}, ${texts.length} dialogue turns`);
  const runs: ModelRun[] = [];
  for (const model of models) for (const dtype of dtypesOf(model)) runs.push(await benchModel(model, dtype, texts, batches, seconds));
  machine.loadAfter = (await import('node:os')).loadavg()[0]!;
  const result: ModelResult = { date: new Date().toISOString(), machine, seconds, runs };
  const file = writeResult('model', result);
  for (const run of runs) {
    const { head, rows } = modelTable(run);
    console.log(`\n${run.model} (${run.dtype}, onnxruntime threads: ${run.threads}): raw limit ${fmt(run.limit, 1)} turns/s\n${textTable(head, rows)}`);
  }
  console.log(`\nload average ${machine.loadBefore.toFixed(2)} → ${machine.loadAfter.toFixed(2)}; results in ${file}`);
  console.log(`updated ${writeReport()}`);
}

await main();
