import { createHash } from 'node:crypto';
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
  { name: 'airline_tweets.dev', file: 'service-sentiment-en/airline_tweets.dev.tsv', lang: 'en', classes: ['negative', 'neutral', 'positive'], labelColumn: 'label' },
];

const THREE_CLASSES = ['negative', 'neutral', 'positive'] as const;

/** A sentiment split whose rows are derived rather than read as they are (the same rules as models/train/data.py). */
export interface DerivedSplit {
  name: string;
  lang: 'en' | 'zh';
  classes: readonly string[];
  examples: Example[];
}

/** data.py's held_out: a fixed split by the md5 of a key. */
export function heldOut(key: string, percent: number): boolean {
  return parseInt(createHash('md5').update(key, 'utf8').digest('hex').slice(0, 8), 16) % 100 < percent;
}

/** As data.py: CrossWOZ user turns of the 20% of dialogues kept out of training; thanking is positive, the rest neutral. */
function crosswozHeldOut(dataDir: string): Example[] {
  return readTsv(path.join(dataDir, 'task-dialogue-zh/crosswoz.tsv'))
    .filter((r) => r.role === 'user' && heldOut(r.dialogue_id!, 20))
    .map((r) => ({ text: r.text!, label: /谢谢|感谢|多谢|太好了|太棒了|辛苦/.test(r.text!) ? 'positive' : 'neutral' }));
}

/** As data.py's MULTI_EMOTION_SENTIMENT: the emotions with a clear polarity. */
const MULTI_EMOTION_SENTIMENT: Record<string, string> = { 开心: 'positive', 生气: 'negative', 厌恶: 'negative', 伤心: 'negative', 疑问: 'neutral' };

export interface SuiteTurn extends Example {
  emotion: string;
  speaker: string;
}

/** The team's contact-center suite (models/eval/contact-center), never trained on. */
export function loadSuite(lang: 'en' | 'zh'): SuiteTurn[] {
  return readTsv(path.join(path.dirname(fileURLToPath(import.meta.url)), 'contact-center', `${lang}.tsv`)).map((r) => ({
    text: r.text!,
    label: r.label!,
    emotion: r.emotion ?? '',
    speaker: r.speaker!,
  }));
}

export function derivedSentimentSplits(dataDir: string): DerivedSplit[] {
  return [
    { name: 'crosswoz_user.heldout', lang: 'zh', classes: THREE_CLASSES, examples: crosswozHeldOut(dataDir) },
    {
      name: 'multi_emotion.dev',
      lang: 'zh',
      classes: THREE_CLASSES,
      examples: readTsv(path.join(dataDir, 'emotion-zh/multi_emotion.dev.tsv')).flatMap((r) =>
        r.label! in MULTI_EMOTION_SENTIMENT ? [{ text: r.text!, label: MULTI_EMOTION_SENTIMENT[r.label!]! }] : [],
      ),
    },
    { name: 'contact-center.en', lang: 'en', classes: THREE_CLASSES, examples: loadSuite('en') },
    { name: 'contact-center.zh', lang: 'zh', classes: THREE_CLASSES, examples: loadSuite('zh') },
  ];
}

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
