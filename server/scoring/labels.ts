import type { SentimentLabel } from '../domain/turn.ts';

/**
 * Models name their labels differently ("negative", "NEG", "LABEL_0", "1 star" …). This maps any
 * text-classification model's label distribution onto negative / neutral / positive.
 */
const SENTIMENT_OF: Record<string, SentimentLabel> = {
  negative: 'negative',
  neg: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  positive: 'positive',
  pos: 'positive',
  '1 star': 'negative',
  '2 stars': 'negative',
  '3 stars': 'neutral',
  '4 stars': 'positive',
  '5 stars': 'positive',
};

function sentimentOfLabel(label: string): SentimentLabel | undefined {
  return SENTIMENT_OF[label.toLowerCase()];
}

/** Checks at load time that every label of a model maps, so a wrong model fails at start, not mid-call. */
export function assertSentimentLabels(labels: readonly string[], model: string): void {
  const unknown = labels.filter((l) => sentimentOfLabel(l) === undefined);
  if (unknown.length > 0 || labels.length < 2) {
    throw new Error(
      `model ${model} is not a sentiment classifier Rapport understands: labels ${JSON.stringify(labels)}; ` +
        `expected names like negative / neutral / positive or "1 star" … "5 stars"`,
    );
  }
}

export function toSentiment(probabilities: Record<string, number>): Record<SentimentLabel, number> {
  const out: Record<SentimentLabel, number> = { negative: 0, neutral: 0, positive: 0 };
  for (const [label, p] of Object.entries(probabilities)) {
    const s = sentimentOfLabel(label);
    if (s) out[s] += p;
  }
  return out;
}

/**
 * Temperature scaling on probabilities: p_i^(1/T), renormalised, equals softmax(logits / T). T is
 * fitted on dev data at training time and stored in the model's config.json.
 */
export function calibrate(probabilities: Record<string, number>, temperature: number): Record<string, number> {
  if (temperature === 1) return probabilities;
  const entries = Object.entries(probabilities).map(([k, p]) => [k, Math.pow(Math.max(p, 1e-12), 1 / temperature)] as const);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  return Object.fromEntries(entries.map(([k, v]) => [k, v / total]));
}

export function argmax<K extends string>(probabilities: Record<K, number>): [K, number] {
  let best: [K, number] | undefined;
  for (const [k, p] of Object.entries(probabilities) as [K, number][]) if (!best || p > best[1]) best = [k, p];
  return best!;
}
