/**
 * `npm run eval`: accuracy of a sentiment model on every dev split, through the same transformers.js
 * loading path the server uses, next to natural's lexicon analyzer as the non-transformer baseline.
 * Prints a table and writes the same figures as JSON.
 *
 *   npm run eval -- [--model rapport-sentiment] [--data-dir ../shared/data] [--out file.json] [--limit N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { ROOT } from '../../server/config.ts';
import { loadClassifier } from '../../server/scoring/classifier.ts';
import { toSentiment } from '../../server/scoring/labels.ts';
import { loadSplit, SENTIMENT_DEV_SPLITS } from './datasets.ts';
import { figures, predictAmong, type Figures } from './metrics.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'rapport-sentiment' },
    'data-dir': { type: 'string', default: process.env.RAPPORT_DATA_DIR ?? path.join(ROOT, '..', 'shared', 'data') },
    out: { type: 'string' },
    limit: { type: 'string' },
    'batch-size': { type: 'string', default: '32' },
  },
});
const modelsDir = path.join(ROOT, 'models');
const limit = values.limit ? Number(values.limit) : Infinity;
const batchSize = Number(values['batch-size']);

const classifier = await loadClassifier({ model: values.model!, modelsDir, allowDownload: false });
const lexicon = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
const tokenizer = new WordTokenizer();

/** natural's AFINN score: above 0 positive, below 0 negative, 0 neutral (positive on binary splits, a fixed tie-break). */
function lexiconLabel(text: string, classes: readonly string[]): string {
  const s = lexicon.getSentiment(tokenizer.tokenize(text));
  if (s > 0) return 'positive';
  if (s < 0) return 'negative';
  return classes.includes('neutral') ? 'neutral' : 'positive';
}

interface SplitResult {
  split: string;
  lang: string;
  model: Figures;
  lexicon: Figures | null;
  msPerTurnBatched: number;
}

const results: SplitResult[] = [];
for (const split of SENTIMENT_DEV_SPLITS) {
  const examples = loadSplit(values['data-dir']!, split).slice(0, limit);
  const bar = new cliProgress.SingleBar({ format: `${split.name.padEnd(20)} [{bar}] {value}/{total}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(examples.length, 0);
  const predicted: string[] = [];
  const started = performance.now();
  for (let i = 0; i < examples.length; i += batchSize) {
    const batch = examples.slice(i, i + batchSize);
    const dists = await classifier.classify(batch.map((e) => e.text));
    for (const d of dists) predicted.push(predictAmong(toSentiment(d), split.classes));
    bar.update(predicted.length);
  }
  bar.stop();
  const elapsed = performance.now() - started;
  const gold = examples.map((e) => e.label);
  results.push({
    split: split.name,
    lang: split.lang,
    model: figures(gold, predicted, split.classes),
    // AFINN is an English lexicon: it has nothing to say about Chinese text.
    lexicon: split.lang === 'en' ? figures(gold, examples.map((e) => lexiconLabel(e.text, split.classes)), split.classes) : null,
    msPerTurnBatched: elapsed / Math.max(1, examples.length),
  });
}

// Live latency: one short turn per model call, as a quiet conversation would see it.
const probe = loadSplit(values['data-dir']!, SENTIMENT_DEV_SPLITS[2]!).slice(0, 200).map((e) => e.text);
const singleStarted = performance.now();
for (const text of probe) await classifier.classify([text]);
const msPerTurnSingle = (performance.now() - singleStarted) / probe.length;

const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
console.log(`\nmodel ${classifier.id}, temperature ${classifier.temperature.toFixed(3)}, ${new Date().toISOString().slice(0, 10)}`);
console.log('split                 lang      n    acc  macroF1  negP   negR  | lexicon acc  macroF1 | ms/turn (batch ' + batchSize + ')');
for (const r of results) {
  const neg = r.model.perClass.negative!;
  const lex = r.lexicon ? `${pct(r.lexicon.accuracy)}  ${pct(r.lexicon.macroF1)}` : '     n/a      n/a';
  console.log(
    `${r.split.padEnd(20)}  ${r.lang}  ${String(r.model.n).padStart(6)} ${pct(r.model.accuracy)} ${pct(r.model.macroF1)} ${pct(neg.precision)} ${pct(neg.recall)}  |  ${lex}  | ${r.msPerTurnBatched.toFixed(2)}`,
  );
}
console.log(`single-turn latency (one text per call, ${probe.length} turns): ${msPerTurnSingle.toFixed(2)} ms`);

const out = values.out ?? path.join(modelsDir, classifier.id, 'eval.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ model: classifier.id, date: new Date().toISOString(), command: 'npm run eval', temperature: classifier.temperature, msPerTurnSingle, splits: results }, null, 2) + '\n',
);
console.log(`written to ${path.relative(process.cwd(), out)}`);
await classifier.dispose();
