/**
 * `npm run eval`: the shipped models on every dev split and on the team's contact-center suite, through
 * the same transformers.js loading path the server uses, beside the TF-IDF logistic-regression baseline
 * (trained on exactly the transformer's training rows by models/train/baseline.py, whose predictions are
 * read from models/eval/baseline-*.json) and the published pretrained figure where one exists. Prints one
 * dated table per task and writes the same figures as JSON into each model's folder (eval.json).
 *
 *   npm run eval -- [--model rapport-sentiment] [--emotion-model rapport-emotion|none]
 *                   [--data-dir ../shared/data] [--limit N] [--batch-size 32]
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ROOT, toolEnvironment } from '../../server/config.ts';
import { isUnjudgeable } from '../../server/domain/judgeable.ts';
import { detectLanguage } from '../../server/domain/language.ts';
import { loadClassifier, type Classifier } from '../../server/scoring/classifier.ts';
import { toSentiment } from '../../server/scoring/labels.ts';
import { baselinePredictions } from './baseline.ts';
import { derivedSentimentSplits, EMOTION_LABELS, loadEmotionDevSplits, loadSplit, loadSuite, SENTIMENT_DEV_SPLITS, type Example } from './datasets.ts';
import { figures, macroRecall, predictAmong, type Figures } from './metrics.ts';

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
const pct = (x: number | undefined, width = 6) => (x === undefined ? 'n/a' : (100 * x).toFixed(1)).padStart(width);

/**
 * Published figures of pretrained models on the same split, where one is published. Only SST-2 dev has
 * one here; the other splits are this project's own (or their published figures are on test splits).
 */
const PUBLISHED: Record<string, { accuracy: number; source: string }> = {
  'sst2.dev': { accuracy: 0.913, source: 'distilbert-base-uncased-finetuned-sst-2-english (66M parameters, pretrained)' },
};

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
  const asPath = path.resolve(classifier.id);
  const folder = existsSync(path.join(asPath, 'config.json')) ? asPath : path.join(modelsDir, classifier.id);
  const out = path.join(folder, 'eval.json');
  writeFileSync(out, JSON.stringify({ model: classifier.id, date: new Date().toISOString(), command: 'npm run eval', temperature: classifier.temperature, ...report }, null, 2) + '\n');
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}

/** Negative against everything else: the decision an alert makes. */
function negativeVsRest(gold: string[], predicted: string[]): Figures {
  const side = (l: string) => (l === 'negative' ? 'negative' : 'other');
  return figures(gold.map(side), predicted.map(side), ['negative', 'other']);
}

// ---- sentiment ------------------------------------------------------------------------------

interface SentimentRow {
  split: string;
  lang: string;
  model: Figures;
  baseline: Figures | null;
  /** 3-class splits: mean per-class recall (TweetEval's official metric). */
  macroRecall?: { model: number; baseline?: number };
  /** The contact-center suite: negative against the rest. */
  negativeVsRest?: { model: Figures; baseline?: Figures };
  /** The contact-center suite as the server labels it: turns the low-confidence gate sets aside are neutral. */
  asServed?: { gated: number; model: Figures; negativeVsRest: Figures; baseline?: Figures; baselineNegativeVsRest?: Figures };
  /** Splits that are (almost) all neutral requests: the share rated negative. */
  ratedNegative?: { model: number; baseline?: number };
  published?: { accuracy: number; source: string };
  msPerTurnBatched: number;
}

const sentiment = await loadClassifier({ model: values.model!, modelsDir, allowDownload: false });
const sentimentBaseline = baselinePredictions('sentiment');
const sentimentSplits = [
  ...SENTIMENT_DEV_SPLITS.map((s) => ({ name: s.name, lang: s.lang, classes: s.classes, examples: loadSplit(dataDir, s) })),
  ...derivedSentimentSplits(dataDir),
];
const sentimentResults: SentimentRow[] = [];
for (const split of sentimentSplits) {
  const examples = split.examples.slice(0, limit);
  const { dists, msPerTurn } = await classifyAll(sentiment, split.name, examples);
  const gold = examples.map((e) => e.label);
  const predicted = dists.map((d) => predictAmong(toSentiment(d), split.classes));
  const base = sentimentBaseline.predictions(split.name, examples);
  // Macro figures over the classes the split has (CrossWOZ requests have no negative gold), as in models/train/evaluate.py.
  const present = split.classes.filter((c) => gold.includes(c));
  const row: SentimentRow = {
    split: split.name,
    lang: split.lang,
    model: figures(gold, predicted, present),
    baseline: base ? figures(gold, base, present) : null,
    msPerTurnBatched: msPerTurn,
  };
  if (split.classes.length === 3) row.macroRecall = { model: macroRecall(row.model), baseline: row.baseline ? macroRecall(row.baseline) : undefined };
  if (split.name.startsWith('contact-center')) {
    row.negativeVsRest = { model: negativeVsRest(gold, predicted), baseline: base ? negativeVsRest(gold, base) : undefined };
    const gated = examples.map((e) => isUnjudgeable(e.text, detectLanguage(e.text)));
    const served = (p: string[]) => p.map((l, i) => (gated[i] ? 'neutral' : l));
    row.asServed = {
      gated: gated.filter(Boolean).length,
      model: figures(gold, served(predicted), present),
      negativeVsRest: negativeVsRest(gold, served(predicted)),
      baseline: base ? figures(gold, served(base), present) : undefined,
      baselineNegativeVsRest: base ? negativeVsRest(gold, served(base)) : undefined,
    };
  }
  if (split.name.startsWith('crosswoz')) {
    const share = (p: string[]) => p.filter((l) => l === 'negative').length / Math.max(1, p.length);
    row.ratedNegative = { model: share(predicted), baseline: base ? share(base) : undefined };
  }
  if (PUBLISHED[split.name]) row.published = PUBLISHED[split.name];
  sentimentResults.push(row);
}

// Live latency: one short turn per model call, as a quiet conversation would see it.
const probe = loadSplit(dataDir, SENTIMENT_DEV_SPLITS[2]!).slice(0, 200).map((e) => e.text);
const singleStarted = performance.now();
for (const text of probe) await sentiment.classify([text]);
const msPerTurnSingle = (performance.now() - singleStarted) / probe.length;

console.log(`\nsentiment: transformer ${sentiment.id} (temperature ${sentiment.temperature.toFixed(3)}) vs baseline (${sentimentBaseline.describe()}), ${today}`);
console.log('split                   lang     n | transformer acc  macroF1  macroR  negR | baseline acc  macroF1  macroR  negR | published acc');
for (const r of sentimentResults) {
  const b = r.baseline;
  console.log(
    `${r.split.padEnd(22)}  ${r.lang} ${String(r.model.n).padStart(5)} |     ${pct(r.model.accuracy)}  ${pct(r.model.macroF1)}  ${pct(r.macroRecall?.model)} ${pct(r.model.perClass.negative?.recall)} |` +
      `  ${pct(b?.accuracy)}   ${pct(b?.macroF1)}  ${pct(r.macroRecall?.baseline)} ${pct(b?.perClass.negative?.recall)} | ${r.published ? pct(r.published.accuracy) : '   n/a'}`,
  );
}
for (const r of sentimentResults) {
  if (r.negativeVsRest) {
    const { model: m, baseline: b } = r.negativeVsRest;
    console.log(`${r.split} negative-vs-rest: transformer acc ${pct(m.accuracy)} macroF1 ${pct(m.macroF1)} | baseline acc ${pct(b?.accuracy)} macroF1 ${pct(b?.macroF1)}`);
  }
  if (r.asServed) {
    const a = r.asServed;
    console.log(
      `${r.split} as served (${a.gated} turns set aside as neutral by the low-confidence gate): 3-class transformer acc ${pct(a.model.accuracy)} macroF1 ${pct(a.model.macroF1)}, ` +
        `negative-vs-rest acc ${pct(a.negativeVsRest.accuracy)} macroF1 ${pct(a.negativeVsRest.macroF1)} | baseline acc ${pct(a.baseline?.accuracy)} macroF1 ${pct(a.baseline?.macroF1)}, ` +
        `negative-vs-rest acc ${pct(a.baselineNegativeVsRest?.accuracy)} macroF1 ${pct(a.baselineNegativeVsRest?.macroF1)}`,
    );
  }
  if (r.ratedNegative) console.log(`${r.split} rated negative (%): transformer ${pct(r.ratedNegative.model)} | baseline ${pct(r.ratedNegative.baseline)}`);
}
for (const r of sentimentResults) if (r.published) console.log(`published: ${r.split} ${pct(r.published.accuracy)}% — ${r.published.source}`);
console.log(`single-turn latency (one text per call, ${probe.length} turns): ${msPerTurnSingle.toFixed(2)} ms`);
save(sentiment, { msPerTurnSingle, baseline: sentimentBaseline.describe(), splits: sentimentResults });
await sentiment.dispose();

// ---- emotion, per class ---------------------------------------------------------------------

if (values['emotion-model'] !== 'none') {
  const emotion = await loadClassifier({ model: values['emotion-model']!, modelsDir, allowDownload: false });
  const emotionBaseline = baselinePredictions('emotion');
  const emotionResults: { split: string; model: Figures; baseline: Figures | null; msPerTurnBatched: number }[] = [];
  const score = (name: string, subset: Example[], predicted: string[], base: string[] | null, ms: number) => {
    // Macro-F1 over the emotions that occur in the split (TweetEval has no neutral, for one).
    const present = EMOTION_LABELS.filter((l) => subset.some((e) => e.label === l));
    const gold = subset.map((e) => e.label);
    emotionResults.push({ split: name, model: figures(gold, predicted, present), baseline: base ? figures(gold, base, present) : null, msPerTurnBatched: ms });
  };
  for (const { name, examples } of loadEmotionDevSplits(dataDir)) {
    const subset = examples.slice(0, limit);
    const { dists, msPerTurn } = await classifyAll(emotion, name, subset);
    score(name, subset, dists.map((d) => predictAmong(d, EMOTION_LABELS)), emotionBaseline.predictions(name, subset), msPerTurn);
  }
  // The suite: every turn is classified (the baseline's predictions cover them all), then the turns with an emotion label are scored.
  for (const lang of ['en', 'zh'] as const) {
    const name = `contact-center.${lang}`;
    const turns = loadSuite(lang).slice(0, limit);
    const { dists, msPerTurn } = await classifyAll(emotion, name, turns);
    const base = emotionBaseline.predictions(name, turns);
    const keep = turns.map((t, i) => (t.emotion ? i : -1)).filter((i) => i >= 0);
    score(
      name,
      keep.map((i) => ({ text: turns[i]!.text, label: turns[i]!.emotion })),
      keep.map((i) => predictAmong(dists[i]!, EMOTION_LABELS)),
      base ? keep.map((i) => base[i]!) : null,
      msPerTurn,
    );
  }
  console.log(`\nemotion: transformer ${emotion.id} (temperature ${emotion.temperature.toFixed(3)}) vs baseline (${emotionBaseline.describe()}), ${today}`);
  console.log('split                        n | transformer acc macroF1 | baseline acc macroF1 | recall (transformer / baseline): anger  frustration  confusion');
  for (const r of emotionResults) {
    const rec = (c: string) => (r.model.perClass[c] ? `${pct(r.model.perClass[c]!.recall, 5)}/${pct(r.baseline?.perClass[c]?.recall, 5)}` : '     -     ');
    console.log(
      `${r.split.padEnd(24)} ${String(r.model.n).padStart(5)} |  ${pct(r.model.accuracy)} ${pct(r.model.macroF1)} | ${pct(r.baseline?.accuracy)} ${pct(r.baseline?.macroF1)} | ${rec('anger')}  ${rec('frustration')}  ${rec('confusion')}`,
    );
  }
  save(emotion, { baseline: emotionBaseline.describe(), splits: emotionResults });
  await emotion.dispose();
}
