import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProgressInfo } from '@huggingface/transformers';
import { calibrate } from './labels.ts';

/**
 * The one place that knows transformers.js (with inference-worker.mjs, the thread it runs on). Loads any
 * text-classification model, either a local folder in transformers.js layout or a Hugging Face hub id
 * (downloaded once into the models folder).
 */

export interface ClassifierSpec {
  /** A folder path, a folder name inside `modelsDir`, or a hub id such as "Xenova/…". */
  model: string;
  modelsDir: string;
  /** Hub downloads are allowed only when configured; offline installs fail fast instead. */
  allowDownload: boolean;
  dtype?: 'fp32' | 'q8';
  /** onnxruntime intra-op threads; defaults to the runtime's choice (all cores). */
  threads?: number;
  onProgress?: (info: ProgressInfo) => void;
}

export interface Classifier {
  /** What the scores say they came from: the folder name or hub id. */
  readonly id: string;
  readonly labels: string[];
  readonly temperature: number;
  /** Calibrated label distributions, one per text. */
  classify(texts: string[]): Promise<Record<string, number>[]>;
  dispose(): Promise<void>;
}

function resolveLocation(spec: ClassifierSpec): { root: string; name: string; local: boolean } {
  const asPath = path.resolve(spec.model);
  if (existsSync(path.join(asPath, 'config.json'))) return { root: path.dirname(asPath), name: path.basename(asPath), local: true };
  const inModels = path.join(spec.modelsDir, spec.model);
  if (existsSync(path.join(inModels, 'config.json'))) return { root: spec.modelsDir, name: spec.model, local: true };
  return { root: spec.modelsDir, name: spec.model, local: false };
}

function chooseDtype(root: string, name: string, requested: ClassifierSpec['dtype']): 'fp32' | 'q8' {
  if (requested) return requested;
  return existsSync(path.join(root, name, 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32';
}

type WorkerReply =
  | { type: 'progress'; info: ProgressInfo }
  | { type: 'failed'; error: string }
  | { type: 'ready'; labels: string[]; temperature: number }
  | { type: 'result'; id: number; raw?: { label: string; score: number }[][]; error?: string };

export async function loadClassifier(spec: ClassifierSpec): Promise<Classifier> {
  const where = resolveLocation(spec);
  if (!where.local && !spec.allowDownload) {
    throw new Error(
      `model "${spec.model}" is neither a folder nor in ${spec.modelsDir}, and downloads are off: ` +
        `point --model at a transformers.js model folder, train one with \`npm run train\`, or pass --allow-download for a hub id`,
    );
  }
  const dtype = where.local ? chooseDtype(where.root, where.name, spec.dtype) : (spec.dtype ?? 'q8');
  // The model runs on its own thread (see inference-worker.mjs): inference never blocks the event loop.
  const worker = new Worker(new URL('./inference-worker.mjs', import.meta.url), {
    workerData: {
      root: where.root + path.sep,
      name: where.name,
      local: where.local,
      cacheDir: path.join(spec.modelsDir, '.cache'),
      dtype,
      sessionOptions: spec.threads ? { intraOpNumThreads: spec.threads, interOpNumThreads: 1 } : {},
    },
  });
  const pending = new Map<number, { resolve: (raw: { label: string; score: number }[][]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let stopped: Error | undefined;
  const ready = new Promise<{ labels: string[]; temperature: number }>((resolve, reject) => {
    const fail = (error: Error) => {
      reject(new Error(`could not load model "${spec.model}": ${error.message}`, { cause: error }));
      stopped = new Error(`the model thread of "${spec.model}" stopped: ${error.message}`);
      for (const p of pending.values()) p.reject(stopped);
      pending.clear();
    };
    worker.on('message', (m: WorkerReply) => {
      // transformers.js reports reading a local folder as progress too; only a download is worth a bar.
      if (m.type === 'progress') {
        if (!where.local) spec.onProgress?.(m.info);
      } else if (m.type === 'failed') fail(new Error(m.error));
      else if (m.type === 'ready') resolve(m);
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        // An idle model thread must not keep a finished process (a CLI run, a test) alive.
        if (pending.size === 0) worker.unref();
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.raw!);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  });
  const { labels, temperature } = await ready;
  worker.unref();

  return {
    id: spec.model,
    labels,
    temperature,
    async classify(texts) {
      if (texts.length === 0) return [];
      if (stopped) throw stopped;
      const id = nextId++;
      worker.ref();
      const raw = await new Promise<{ label: string; score: number }[][]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'classify', id, texts });
      });
      return raw.map((dist) => calibrate(Object.fromEntries(dist.map((d) => [d.label, d.score])), temperature));
    },
    async dispose() {
      worker.removeAllListeners('exit');
      worker.ref();
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'dispose' });
      });
    },
  };
}
