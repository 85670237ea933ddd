import { readFileSync } from 'node:fs';
import path from 'node:path';

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
