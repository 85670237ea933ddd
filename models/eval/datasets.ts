import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dev splits Rapport reports on. Test splits are held out elsewhere; training splits are never evaluated. */
export interface DevSplit {
  name: string;
  file: string;
  lang: 'en' | 'zh';
  /** Binary splits have no neutral class: a prediction is whichever of negative / positive is likelier. */
  classes: readonly string[];
  labelColumn: string;
}

export const SENTIMENT_DEV_SPLITS: DevSplit[] = [
  { name: 'sst2.dev', file: 'sentiment-en/sst2.dev.tsv', lang: 'en', classes: ['negative', 'positive'], labelColumn: 'label' },
  { name: 'tweeteval.dev', file: 'sentiment-en/tweeteval.dev.tsv', lang: 'en', classes: ['negative', 'neutral', 'positive'], labelColumn: 'label' },
  { name: 'meld.dev', file: 'dialogue-en/meld.dev.tsv', lang: 'en', classes: ['negative', 'neutral', 'positive'], labelColumn: 'sentiment' },
  { name: 'online_shopping.dev', file: 'sentiment-zh/online_shopping.dev.tsv', lang: 'zh', classes: ['negative', 'positive'], labelColumn: 'label' },
  { name: 'waimai.dev', file: 'sentiment-zh/waimai.dev.tsv', lang: 'zh', classes: ['negative', 'positive'], labelColumn: 'label' },
];

export interface Example {
  text: string;
  label: string;
}

/** Reads a TSV with a header row (the format of ../shared/data: tabs and newlines in texts were replaced by spaces). */
export function readTsv(file: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const columns = header!.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

export function loadSplit(dataDir: string, split: DevSplit): Example[] {
  return readTsv(path.join(dataDir, split.file)).map((r) => ({ text: r.text!, label: r[split.labelColumn]! }));
}

interface EmotionTable {
  labels: string[];
  sources: Record<string, { file: string; column: string; multiLabel?: boolean; map: Record<string, string> }>;
}

/** The mapping of public emotion labels onto Rapport's, shared with the training code. */
const EMOTION_TABLE = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'train', 'emotion-labels.json'), 'utf8'),
) as EmotionTable;

export const EMOTION_LABELS: readonly string[] = EMOTION_TABLE.labels;

/** One row's Rapport emotion, or undefined when its label(s) do not map to exactly one (as in models/train/data.py). */
function mapEmotion(source: string, value: string): string | undefined {
  const spec = EMOTION_TABLE.sources[source]!;
  const labels = spec.multiLabel ? value.split(',') : [value];
  if (labels.includes('neutral') && labels.length > 1) return undefined;
  const mapped = new Set(labels.map((l) => spec.map[l]).filter((l): l is string => l !== undefined));
  return mapped.size === 1 ? [...mapped][0] : undefined;
}

/** Every emotion dev split, mapped onto Rapport's emotions. */
export function loadEmotionDevSplits(dataDir: string): { name: string; examples: Example[] }[] {
  return Object.entries(EMOTION_TABLE.sources).map(([source, spec]) => ({
    name: `${source}.dev`,
    examples: readTsv(path.join(dataDir, spec.file.replace('{split}', 'dev'))).flatMap((r) => {
      const label = mapEmotion(source, r[spec.column]!);
      return label === undefined ? [] : [{ text: r.text!, label }];
    }),
  }));
}
