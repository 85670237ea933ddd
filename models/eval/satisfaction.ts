/**
 * `npm run eval:satisfaction`: predicted customer satisfaction against human ratings. Every STC-3
 * helpdesk dialogue (../shared/data/helpdesk-dialogue, 19 annotators' S ratings each) is scored turn
 * by turn with the server's scorer, and the estimator of server/domain/satisfaction.ts is fitted
 * (ridge regression on standardised features) on the training folds only of a 5-fold
 * cross-validation, split by dialogue id. Reported: Spearman correlation of the out-of-fold
 * predictions with the mean S rating, next to two baselines that need no fitting (the polarity of
 * the customer's last turn; the customer's mean polarity). With --write, the weights fitted on all
 * dialogues go to models/rapport-satisfaction/weights.json and the figures to eval.json there.
 *
 *   npm run eval:satisfaction -- [--model rapport-sentiment] [--data-dir ../shared/data] [--cache FILE] [--write]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Matrix, solve } from 'ml-matrix';
import { mean as avg, sampleRankCorrelation, sampleStandardDeviation } from 'simple-statistics';
import { ROOT, toolEnvironment } from '../../server/config.ts';
import { summarize, type Conversation } from '../../server/domain/conversation.ts';
import {
  SATISFACTION_FEATURES,
  satisfactionFeatures,
  satisfactionRaw,
  type SatisfactionFeature,
  type SatisfactionModel,
  type SatisfactionWeights,
} from '../../server/domain/satisfaction.ts';
import { createScorer } from '../../server/scoring/index.ts';
import { conversationOf, loadStc3, scoreTexts, type Stc3Dialogue } from './stc3.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'rapport-sentiment' },
    'data-dir': { type: 'string', default: toolEnvironment.dataDir() },
    cache: { type: 'string' },
    folds: { type: 'string', default: '5' },
    ridge: { type: 'string', default: '1' },
    write: { type: 'boolean', default: false },
  },
});
const FOLDS = Number(values.folds);
const RIDGE = Number(values.ridge);
const OUT_DIR = path.join(ROOT, 'models', 'rapport-satisfaction');

interface Example {
  id: string;
  fold: number;
  target: number;
  features: Record<SatisfactionFeature, number>;
  conversation: Conversation;
}

/** A fold by a hash of the dialogue id: the same dialogue falls in the same fold in both languages. */
function foldOf(id: string): number {
  let h = 2166136261;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % FOLDS;
}

/** Ridge regression on standardised features (the intercept unpenalised, as the target's mean). */
export function fitRidge(examples: readonly Example[], lambda: number): SatisfactionModel {
  const mean = {} as Record<SatisfactionFeature, number>;
  const std = {} as Record<SatisfactionFeature, number>;
  for (const f of SATISFACTION_FEATURES) {
    const xs = examples.map((e) => e.features[f]);
    mean[f] = avg(xs);
    std[f] = sampleStandardDeviation(xs) || 1;
  }
  const X = new Matrix(examples.map((e) => SATISFACTION_FEATURES.map((f) => (e.features[f] - mean[f]) / std[f])));
  const intercept = avg(examples.map((e) => e.target));
  const y = Matrix.columnVector(examples.map((e) => e.target - intercept));
  const Xt = X.transpose();
  const w = solve(Xt.mmul(X).add(Matrix.eye(SATISFACTION_FEATURES.length).mul(lambda)), Xt.mmul(y));
  const weights = Object.fromEntries(SATISFACTION_FEATURES.map((f, i) => [f, w.get(i, 0)])) as Record<SatisfactionFeature, number>;
  return { intercept, mean, std, weights };
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function examplesOf(dialogues: readonly Stc3Dialogue[], scores: Awaited<ReturnType<typeof scoreTexts>>): Example[] {
  return dialogues.flatMap((d) => {
    const conversation = conversationOf(d, scores);
    const features = satisfactionFeatures(conversation);
    return features ? [{ id: d.id, fold: foldOf(d.id), target: avg(d.S), features, conversation }] : [];
  });
}

const started = performance.now();
const scorer = await createScorer({ sentimentModel: values.model!, modelsDir: path.join(ROOT, 'models'), allowDownload: false, maxBatch: 32, maxWaitMs: 4, maxQueue: 1_000_000 });
const results: Record<string, unknown>[] = [];
const fitted: Partial<SatisfactionWeights['models']> = {};
try {
  for (const lang of ['zh', 'en'] as const) {
    const dialogues = loadStc3(values['data-dir']!, lang);
    const scores = await scoreTexts(scorer, dialogues.flatMap((d) => d.turns.map((t) => t.text)), values.cache);
    const examples = examplesOf(dialogues, scores);
    const outOfFold = new Map<string, number>();
    for (let k = 0; k < FOLDS; k++) {
      const model = fitRidge(examples.filter((e) => e.fold !== k), RIDGE);
      for (const e of examples.filter((x) => x.fold === k)) outOfFold.set(e.id, satisfactionRaw(model, e.features));
    }
    const target = examples.map((e) => e.target);
    const spearman = (xs: number[], ys = target) => round(sampleRankCorrelation(xs, ys), 3);
    // The conversations today's recovery figure is about: the customer started negative.
    const startedNegative = examples.filter((e) => (summarize(e.conversation, 0).startSentiment ?? 0) < -0.2);
    const negTarget = startedNegative.map((e) => e.target);
    const row = {
      lang,
      dialogues: examples.length,
      estimator: spearman(examples.map((e) => outOfFold.get(e.id)!)),
      lastCustomerPolarity: spearman(examples.map((e) => e.features.lastCustomerValence)),
      meanCustomerPolarity: spearman(examples.map((e) => e.features.meanCustomerValence)),
      // The service star's "where the customer ended" term today.
      customerMoodAtEnd: spearman(examples.map((e) => e.features.customerMood)),
      startedNegative: startedNegative.length,
      // Today's recovery flag (ended above 0.2) against the estimator, among those who started negative.
      recoveredFlagWhenStartedNegative: spearman(startedNegative.map((e) => (summarize(e.conversation, 0).recovered ? 1 : 0)), negTarget),
      estimatorWhenStartedNegative: spearman(startedNegative.map((e) => outOfFold.get(e.id)!), negTarget),
      // The same flag with "ended satisfied" read from the estimator instead (Score 3.5 or more on 1-5).
      estimatorFlagWhenStartedNegative: spearman(startedNegative.map((e) => (outOfFold.get(e.id)! + 3 >= 3.5 ? 1 : 0)), negTarget),
    };
    results.push(row);
    fitted[lang] = fitRidge(examples, RIDGE);
  }
} finally {
  await scorer.close();
}

const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`\nSpearman correlation with the mean of 19 annotators' satisfaction (S) ratings, ${FOLDS}-fold cross-validation by dialogue (${seconds} s)\n`);
console.log('| language | dialogues | Rapport estimator (out of fold) | last customer turn polarity | mean customer polarity | smoothed customer mood at the end (star term today) |');
console.log('|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.lang} | ${r.dialogues} | ${r.estimator} | ${r.lastCustomerPolarity} | ${r.meanCustomerPolarity} | ${r.customerMoodAtEnd} |`);
console.log('\nAmong dialogues whose customer started negative (below -0.2):\n');
console.log('| language | dialogues | recovered flag today (mood ended above 0.2) | recovered flag from the estimator (Score 3.5 or more) | Rapport estimator (out of fold) |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.lang} | ${r.startedNegative} | ${r.recoveredFlagWhenStartedNegative} | ${r.estimatorFlagWhenStartedNegative} | ${r.estimatorWhenStartedNegative} |`);

if (values.write) {
  const weights: SatisfactionWeights = { models: { en: fitted.en!, zh: fitted.zh } };
  const rounded = JSON.parse(JSON.stringify(weights, (_k, v: unknown) => (typeof v === 'number' ? round(v, 5) : v))) as SatisfactionWeights;
  writeFileSync(path.join(OUT_DIR, 'weights.json'), `${JSON.stringify({ ...rounded, sentimentModel: values.model, ridge: RIDGE }, null, 2)}\n`);
  writeFileSync(
    path.join(OUT_DIR, 'eval.json'),
    `${JSON.stringify({ date: new Date().toISOString(), command: 'npm run eval:satisfaction -- --write', sentimentModel: values.model, folds: FOLDS, ridge: RIDGE, spearman: results }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${path.relative(process.cwd(), OUT_DIR)}/weights.json and eval.json`);
}
