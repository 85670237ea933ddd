/**
 * `npm run eval:intent`: the contact-reason classifier (models/rapport-intent) on the Banking77 dev
 * split, through the server's own loading path (server/scoring), next to a bag-of-words baseline
 * (natural's naive Bayes, trained on the same train split). Prints the table and writes eval.json
 * into the model folder.
 *
 *   npm run eval:intent -- [--model rapport-intent] [--data-dir ../shared/data]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import { ROOT, toolEnvironment } from '../../server/config.ts';
import { loadClassifier } from '../../server/scoring/index.ts';
import { figures } from './metrics.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'rapport-intent' },
    'data-dir': { type: 'string', default: toolEnvironment.dataDir() },
  },
});

/** text<TAB>intent rows; a text may be quoted and then hold newlines (as some Banking77 rows are published). */
export function readIntents(file: string): { text: string; label: string }[] {
  const src = readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === '\t') cells.push(cell), (cell = '');
    else if (ch === '\n') rows.push([...cells, cell]), (cells = []), (cell = '');
    else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || cells.length > 0) rows.push([...cells, cell]);
  return rows.slice(1).filter((r) => r.length === 2).map(([text, label]) => ({ text: text!.trim(), label: label! }));
}

const dir = path.join(values['data-dir']!, 'intents-en');
const train = readIntents(path.join(dir, 'banking77.train.tsv'));
const dev = readIntents(path.join(dir, 'banking77.dev.tsv'));
const classes = [...new Set(train.map((e) => e.label))].sort();

const started = performance.now();
const model = await loadClassifier({ model: values.model!, modelsDir: path.join(ROOT, 'models'), allowDownload: false });
const predicted: string[] = [];
const confidence: number[] = [];
for (let i = 0; i < dev.length; i += 64) {
  for (const dist of await model.classify(dev.slice(i, i + 64).map((e) => e.text))) {
    const [label, p] = Object.entries(dist).reduce((best, e) => (e[1] > best[1] ? e : best));
    predicted.push(label);
    confidence.push(p);
  }
}
const msPerText = (performance.now() - started) / dev.length;
await model.dispose();

const gold = dev.map((e) => e.label);
const bayes = new BayesClassifier();
for (const e of train) bayes.addDocument(e.text, e.label);
bayes.train();
const baseline = dev.map((e) => bayes.classify(e.text));

const ours = figures(gold, predicted, classes);
const theirs = figures(gold, baseline, classes);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
// The server takes the model's reason only from contactReason.minConfidence (config/analytics.yaml) on.
const MIN_CONFIDENCE = 0.6;
const sure = dev.map((_, i) => i).filter((i) => confidence[i]! >= MIN_CONFIDENCE);
const sureAccuracy = sure.filter((i) => predicted[i] === gold[i]).length / Math.max(1, sure.length);
console.log(`\nBanking77 dev (${dev.length} texts, ${classes.length} intents; trained on ${train.length})\n`);
console.log('| model | accuracy | macro-F1 |');
console.log('|---|---|---|');
console.log(`| ${values.model} | ${pct(ours.accuracy)} | ${(100 * ours.macroF1).toFixed(1)} |`);
console.log(`| natural's naive Bayes (bag of words, same train split) | ${pct(theirs.accuracy)} | ${(100 * theirs.macroF1).toFixed(1)} |`);
console.log('| BERT-class models, published (Casanueva et al. 2020, test split) | about 93% | |');
console.log(`\nAt confidence ${MIN_CONFIDENCE} or more (what the server uses): ${pct(sure.length / dev.length)} of texts, accuracy ${pct(sureAccuracy)}`);

const out = path.join(path.isAbsolute(values.model!) ? values.model! : path.join(ROOT, 'models', values.model!), 'eval.json');
writeFileSync(
  out,
  `${JSON.stringify({ model: values.model, date: new Date().toISOString(), command: 'npm run eval:intent', split: 'banking77.dev', n: dev.length, accuracy: ours.accuracy, macroF1: ours.macroF1, msPerTextBatched: Number(msPerText.toFixed(2)), atMinConfidence: { minConfidence: MIN_CONFIDENCE, coverage: sure.length / dev.length, accuracy: sureAccuracy }, baseline: { name: 'natural BayesClassifier', accuracy: theirs.accuracy, macroF1: theirs.macroF1 } }, null, 2)}\n`,
);
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
