import { existsSync } from 'node:fs';
import path from 'node:path';
import { env, pipeline, type ProgressInfo, type TextClassificationPipeline } from '@huggingface/transformers';
import { calibrate } from './labels.ts';

/**
 * The one place that knows transformers.js. Loads any text-classification model, either a local
 * folder in transformers.js layout or a Hugging Face hub id (downloaded once into the models folder).
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

interface ModelConfig {
  id2label?: Record<string, string>;
  rapport?: { temperature?: number };
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

export async function loadClassifier(spec: ClassifierSpec): Promise<Classifier> {
  const where = resolveLocation(spec);
  if (!where.local && !spec.allowDownload) {
    throw new Error(
      `model "${spec.model}" was not found as a folder or in ${spec.modelsDir}, and downloads are off. ` +
        `Train one (npm run train), point --model at a transformers.js model folder, or allow downloads with --allow-download.`,
    );
  }
  // transformers.js keeps these settings globally; models load one at a time at start-up.
  env.localModelPath = where.root + path.sep;
  env.allowLocalModels = true;
  env.allowRemoteModels = !where.local;
  env.cacheDir = path.join(spec.modelsDir, '.cache');

  const dtype = where.local ? chooseDtype(where.root, where.name, spec.dtype) : (spec.dtype ?? 'q8');
  let classifier: TextClassificationPipeline;
  try {
    classifier = (await pipeline('text-classification', where.name, {
      dtype,
      progress_callback: spec.onProgress,
      session_options: spec.threads ? { intraOpNumThreads: spec.threads, interOpNumThreads: 1 } : {},
    })) as TextClassificationPipeline;
  } catch (error) {
    throw new Error(`could not load model "${spec.model}": ${(error as Error).message}`, { cause: error });
  }

  const config = classifier.model.config as unknown as ModelConfig;
  const labels = Object.values(config.id2label ?? {});
  const temperature = config.rapport?.temperature ?? 1;

  return {
    id: spec.model,
    labels,
    temperature,
    async classify(texts) {
      if (texts.length === 0) return [];
      const raw = (await classifier(texts, { top_k: null })) as unknown as { label: string; score: number }[][];
      return raw.map((dist) => calibrate(Object.fromEntries(dist.map((d) => [d.label, d.score])), temperature));
    },
    dispose: () => classifier.dispose(),
  };
}
