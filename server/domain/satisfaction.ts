import type { Conversation } from './conversation.ts';
import type { ScoredTurn } from './turn.ts';

/**
 * Predicted customer satisfaction: a linear model over a handful of features of the scored
 * conversation, each one a thing a supervisor can check on the transcript (how the customer's last
 * turn sounds, their mood on average and at its worst, how the agent ended, and how much the
 * customer still had to say at the end: a long last turn full of question marks is rarely a
 * satisfied one). The weights are fitted
 * on human satisfaction ratings of real helpdesk dialogues by `npm run eval:satisfaction` and kept
 * in models/rapport-satisfaction/weights.json; see its card for the figures.
 */

export const SATISFACTION_FEATURES = [
  'lastCustomerValence',
  'lastCustomerNegative',
  'meanCustomerValence',
  'minCustomerValence',
  'customerMood',
  'lastAgentValence',
  'customerHasLastWord',
  'logTurns',
  'lastCustomerLogChars',
  'firstCustomerLogChars',
  'customerLogChars',
  'lastCustomerQuestions',
  'lastCustomerExclamations',
  'lastCustomerThanks',
] as const;
export type SatisfactionFeature = (typeof SATISFACTION_FEATURES)[number];

/** One language's fitted model: standardised features, then weights. */
export interface SatisfactionModel {
  intercept: number;
  mean: Record<SatisfactionFeature, number>;
  std: Record<SatisfactionFeature, number>;
  weights: Record<SatisfactionFeature, number>;
}

export interface SatisfactionWeights {
  /** Per conversation language; `en` also serves languages without their own. */
  models: { en: SatisfactionModel; zh?: SatisfactionModel };
}

export interface PredictedSatisfaction {
  /** 1 (very dissatisfied) to 5 (very satisfied): the rating scale of a post-contact survey. */
  Score: number;
  /**
   * 0..1: how much the estimate has to go on, the model's mean confidence on the customer's judged
   * turns times how many there are (three or more count fully). Below 0.3 treat it as a guess.
   */
  Confidence: number;
}

/** Thanks and "that worked" in the customer's last turn, English and Chinese: the plainest sign of a satisfied ending. */
const THANKS = /\b(?:thanks?|thank you|thx|appreciated?|solved|resolved|sorted|works? now|great|perfect)\b|谢谢|感谢|多谢|解决了|好了|可以了|辛苦/iu;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The features of a conversation with at least one customer turn; undefined before the customer has spoken. */
export function satisfactionFeatures(c: Pick<Conversation, 'turns' | 'mood'>): Record<SatisfactionFeature, number> | undefined {
  const customer = c.turns.filter((t) => t.speaker === 'customer');
  if (customer.length === 0) return undefined;
  const judged = customer.filter((t) => !t.score.lowConfidence);
  const basis = judged.length > 0 ? judged : customer;
  const last: ScoredTurn = basis.at(-1)!;
  const lastAgent = c.turns.filter((t) => t.speaker === 'agent').at(-1);
  const lastSaid = customer.at(-1)!.text;
  return {
    lastCustomerValence: last.score.valence,
    lastCustomerNegative: last.score.probabilities.negative,
    meanCustomerValence: mean(basis.map((t) => t.score.valence)),
    minCustomerValence: Math.min(...basis.map((t) => t.score.valence)),
    customerMood: c.mood.customer ?? 0,
    lastAgentValence: lastAgent?.score.valence ?? 0,
    customerHasLastWord: c.turns.at(-1)!.speaker === 'customer' ? 1 : 0,
    logTurns: Math.log1p(c.turns.length),
    lastCustomerLogChars: Math.log1p(lastSaid.length),
    firstCustomerLogChars: Math.log1p(customer[0]!.text.length),
    customerLogChars: Math.log1p(customer.reduce((n, t) => n + t.text.length, 0)),
    lastCustomerQuestions: lastSaid.match(/[?？]/gu)?.length ?? 0,
    lastCustomerExclamations: lastSaid.match(/[!！]/gu)?.length ?? 0,
    lastCustomerThanks: THANKS.test(lastSaid) ? 1 : 0,
  };
}

/** The model's raw output on the rating scale of its training data (-2..2), before rescaling. */
export function satisfactionRaw(model: SatisfactionModel, features: Record<SatisfactionFeature, number>): number {
  return SATISFACTION_FEATURES.reduce((sum, f) => sum + model.weights[f] * ((features[f] - model.mean[f]) / (model.std[f] || 1)), model.intercept);
}

/** Predicted satisfaction of a conversation, live or ended; undefined before the customer has spoken. */
export function predictSatisfaction(c: Pick<Conversation, 'turns' | 'mood' | 'lang'>, weights: SatisfactionWeights): PredictedSatisfaction | undefined {
  const features = satisfactionFeatures(c);
  if (!features) return undefined;
  const model = (c.lang === 'zh' ? weights.models.zh : undefined) ?? weights.models.en;
  const raw = satisfactionRaw(model, features);
  const judged = c.turns.filter((t) => t.speaker === 'customer' && !t.score.lowConfidence);
  const sureness = judged.length === 0 ? 0 : mean(judged.map((t) => t.score.confidence));
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    Score: round2(Math.min(5, Math.max(1, raw + 3))),
    Confidence: round2(sureness * Math.min(1, judged.length / 3)),
  };
}
