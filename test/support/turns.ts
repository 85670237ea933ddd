import type { Score, SentimentLabel, Speaker, Turn } from '../../server/domain/turn.ts';

/** A score as the model would give it, for domain tests that need no model. */
export function scoreOf(label: SentimentLabel, confidence = 0.9, extra: Partial<Score> = {}): Score {
  const rest = (1 - confidence) / 2;
  const probabilities = { negative: rest, neutral: rest, positive: rest, [label]: confidence } as Score['probabilities'];
  return {
    label,
    valence: probabilities.positive - probabilities.negative,
    confidence,
    probabilities,
    lowConfidence: false,
    model: 'test',
    latencyMs: 1,
    ...extra,
  };
}

let counter = 0;
export function turnOf(speaker: Speaker, text: string, over: Partial<Turn> = {}): Turn {
  counter++;
  return {
    conversationId: 'c1',
    turnId: `t${counter}`,
    speaker,
    text,
    channel: 'chat',
    final: true,
    at: 1_000_000 + counter * 1000,
    agentId: 'alice',
    ...over,
  };
}
