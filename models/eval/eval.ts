/**
 * `npm run eval`: the shipped models on every dev split, through the same transformers.js loading
 * path the server uses. Sentiment sits next to natural's lexicon analyzer, the non-transformer
 * baseline; emotion is reported per class. Prints tables and writes the same figures as JSON
 * into each model's folder (eval.json).
 *
 *   npm run eval -- [--model rapport-sentiment] [--emotion-model rapport-emotion|none]
 *                   [--data-dir ../shared/data] [--limit N] [--batch-size 32]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { ROOT, toolEnvironment } from '../../server/config.ts';
import { loadClassifier, type Classifier } from '../../server/scoring/classifier.ts';
import { toSentiment } from '../../server/scoring/labels.ts';
import { EMOTION_LABELS, loadEmotionDevSplits, loadSplit, SENTIMENT_DEV_SPLITS, type Example } from './datasets.ts';
import { figures, predictAmong, type Figures } from './metrics.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'rapport-sentiment' },
    'emotion-model': { type: 'string', default: 'rapport-emotion' },
    'data-dir': { type: 'string', default: toolEnvironment.dataDir() },
    limit: { type: 'string' },
    'batch-size': { type: 'string', default: '32' },
  },
});
const modelsDir = path.join(ROOT, 'models');
const dataDir = values['data-dir']!;
const limit = values.limit ? Number(values.limit) : Infinity;
const batchSize = Number(values['batch-size']);
const today = new Date().toISOString().slice(0, 10);
const pct = (x: number) => (100 * x).toFixed(1).padStart(6);

/** Label distributions for every example, in batches, with a progress bar; and the time per turn. */
async function classifyAll(classifier: Classifier, name: string, examples: Example[]): Promise<{ dists: Record<string, number>[]; msPerTurn: number }> {
  const bar = new cliProgress.SingleBar({ format: `${name.padEnd(22)} [{bar}] {value}/{total}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(examples.length, 0);
  const dists: Record<string, number>[] = [];
  const started = performance.now();
  for (let i = 0; i < examples.length; i += batchSize) {
    dists.push(...(await classifier.classify(examples.slice(i, i + batchSize).map((e) => e.text))));
    bar.update(dists.length);
  }
  bar.stop();
  return { dists, msPerTurn: (performance.now() - started) / Math.max(1, examples.length) };
}

function save(classifier: Classifier, report: object): void {
  const out = path.join(modelsDir, classifier.id, 'eval.json');
  writeFileSync(out, JSON.stringify({ model: classifier.id, date: new Date().toISOString(), command: 'npm run eval', temperature: classifier.temperature, ...report }, null, 2) + '\n');
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}

// ---- sentiment, next to the lexicon baseline ------------------------------------------------

const lexicon = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
const tokenizer = new WordTokenizer();

/** natural's AFINN score: above 0 positive, below 0 negative, 0 neutral (positive on binary splits, a fixed tie-break). */
function lexiconLabel(text: string, classes: readonly string[]): string {
  const s = lexicon.getSentiment(tokenizer.tokenize(text));
  if (s > 0) return 'positive';
  if (s < 0) return 'negative';
  return classes.includes('neutral') ? 'neutral' : 'positive';
}

const sentiment = await loadClassifier({ model: values.model!, modelsDir, allowDownload: false });
const sentimentResults: { split: string; lang: string; model: Figures; lexicon: Figures | null; msPerTurnBatched: number }[] = [];
for (const split of SENTIMENT_DEV_SPLITS) {
  const examples = loadSplit(dataDir, split).slice(0, limit);
  const { dists, msPerTurn } = await classifyAll(sentiment, split.name, examples);
  const gold = examples.map((e) => e.label);
  sentimentResults.push({
    split: split.name,
    lang: split.lang,
    model: figures(gold, dists.map((d) => predictAmong(toSentiment(d), split.classes)), split.classes),
    // AFINN is an English lexicon: it has nothing to say about Chinese text.
    lexicon: split.lang === 'en' ? figures(gold, examples.map((e) => lexiconLabel(e.text, split.classes)), split.classes) : null,
    msPerTurnBatched: msPerTurn,
  });
}

// Live latency: one short turn per model call, as a quiet conversation would see it.
const probe = loadSplit(dataDir, SENTIMENT_DEV_SPLITS[2]!).slice(0, 200).map((e) => e.text);
const singleStarted = performance.now();
for (const text of probe) await sentiment.classify([text]);
const msPerTurnSingle = (performance.now() - singleStarted) / probe.length;

console.log(`\nsentiment model ${sentiment.id}, temperature ${sentiment.temperature.toFixed(3)}, ${today}`);
console.log(`split                 lang      n    acc  macroF1  negP   negR  | lexicon acc  macroF1 | ms/turn (batch ${batchSize})`);
for (const r of sentimentResults) {
  const neg = r.model.perClass.negative!;
  const lex = r.lexicon ? `${pct(r.lexicon.accuracy)}  ${pct(r.lexicon.macroF1)}` : '     n/a      n/a';
  console.log(
    `${r.split.padEnd(20)}  ${r.lang}  ${String(r.model.n).padStart(6)} ${pct(r.model.accuracy)} ${pct(r.model.macroF1)} ${pct(neg.precision)} ${pct(neg.recall)}  |  ${lex}  | ${r.msPerTurnBatched.toFixed(2)}`,
  );
}
console.log(`single-turn latency (one text per call, ${probe.length} turns): ${msPerTurnSingle.toFixed(2)} ms`);
save(sentiment, { msPerTurnSingle, splits: sentimentResults });
await sentiment.dispose();

// ---- emotion, per class ---------------------------------------------------------------------

if (values['emotion-model'] !== 'none') {
  const emotion = await loadClassifier({ model: values['emotion-model']!, modelsDir, allowDownload: false });
  const emotionResults: { split: string; model: Figures; msPerTurnBatched: number }[] = [];
  for (const { name, examples } of loadEmotionDevSplits(dataDir)) {
    const subset = examples.slice(0, limit);
    const { dists, msPerTurn } = await classifyAll(emotion, name, subset);
    // Macro-F1 over the emotions that occur in the split (TweetEval has no neutral, for one).
    const present = EMOTION_LABELS.filter((l) => subset.some((e) => e.label === l));
    emotionResults.push({
      split: name,
      model: figures(subset.map((e) => e.label), dists.map((d) => predictAmong(d, EMOTION_LABELS)), present),
      msPerTurnBatched: msPerTurn,
    });
  }
  console.log(`\nemotion model ${emotion.id}, temperature ${emotion.temperature.toFixed(3)}, ${today}`);
  console.log(`split                       n    acc  macroF1 | per class: precision / recall`);
  for (const r of emotionResults) {
    const perClass = Object.entries(r.model.perClass)
      .map(([c, f]) => `${c} ${(100 * f.precision).toFixed(0)}/${(100 * f.recall).toFixed(0)}`)
      .join('  ');
    console.log(`${r.split.padEnd(24)} ${String(r.model.n).padStart(5)} ${pct(r.model.accuracy)} ${pct(r.model.macroF1)} | ${perClass}`);
  }
  save(emotion, { splits: emotionResults });
  await emotion.dispose();
}
