import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../server/config.ts';

export const MODELS_DIR = path.join(ROOT, 'models');
/** Generated on demand by bench/make_model.py; gitignored (models/bench-*). */
export const BENCH_MODEL = 'bench-distilbert';
export const SHIPPED_MODEL = 'rapport-sentiment';
export const DEFAULT_MODELS = [SHIPPED_MODEL, BENCH_MODEL];

/** Debian's python has torch; a pyenv python on PATH may not. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export type Dtype = 'fp32' | 'q8';

export const onnxFile = (model: string, dtype: Dtype) => path.join(MODELS_DIR, model, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');

/** The dtypes a model folder has, int8 first (what the server picks when both exist). */
export function dtypesOf(model: string): Dtype[] {
  return (['q8', 'fp32'] as const).filter((d) => existsSync(onnxFile(model, d)));
}

/** Builds the DistilBERT-sized model when it is missing (about a minute, needs torch). */
export function ensureModel(model: string): void {
  if (existsSync(path.join(MODELS_DIR, model, 'config.json')) && dtypesOf(model).length > 0) return;
  if (model !== BENCH_MODEL) throw new Error(`model ${model} not found in ${MODELS_DIR}`);
  console.log(`building ${model} with ${PYTHON} bench/make_model.py …`);
  const run = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'make_model.py')], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`bench/make_model.py failed (exit ${run.status}); it needs torch and onnx for ${PYTHON}`);
}
