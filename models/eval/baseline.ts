import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Example } from './datasets.ts';

/**
 * The TF-IDF logistic-regression baseline's predictions, written by models/train/baseline.py (fitting it
 * takes minutes on 2 cores, so `npm run eval` scores its cached predictions instead of refitting). Each
 * split carries a fingerprint of its texts: predictions for texts that have since changed are not used.
 */
interface BaselineFile {
  model: string;
  train_rows: number;
  trained: string;
  splits: Record<string, { fingerprint: string; predicted: string[] }>;
}

export interface Baseline {
  describe(): string;
  /** The baseline's label for each example, or null when it has no current predictions for this split. */
  predictions(split: string, examples: readonly Example[]): string[] | null;
}

/** As models/train/baseline.py's fingerprint: sha1 of the texts joined by newlines. */
function fingerprint(texts: readonly string[]): string {
  return createHash('sha1').update(texts.join('\n'), 'utf8').digest('hex');
}

export function baselinePredictions(task: 'sentiment' | 'emotion'): Baseline {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), `baseline-${task}.json`);
  const data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BaselineFile) : undefined;
  return {
    describe: () =>
      data ? `${data.model}, ${data.train_rows} training rows, fitted ${data.trained}` : `none: run /usr/bin/python3 models/train/baseline.py --task ${task}`,
    predictions(split, examples) {
      // Only whole splits can be checked against the fingerprint (so none under --limit).
      const cached = data?.splits[split];
      return cached && cached.fingerprint === fingerprint(examples.map((e) => e.text)) ? cached.predicted : null;
    },
  };
}
