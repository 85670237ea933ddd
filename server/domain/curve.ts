import type { ScoredTurn, Speaker } from './turn.ts';

/**
 * Smoothing of a speaker's emotion curve: a confidence-weighted exponential moving average per turn.
 *
 * Why per turn and not per second: turns arrive irregularly (a chat can pause for minutes) and mood
 * changes with what is said, not with the clock. Why exponential: it reacts within one or two turns,
 * fast enough for a live prompt, while an outlier is halved on the next turn. Why weighted by
 * confidence: an ambiguous turn should barely move the curve. A low-confidence turn (too short or
 * factual to judge: "ok", an order id) does not move it at all.
 */
const SMOOTHING_ALPHA = 0.5;

export function smooth(previous: number | null, valence: number, confidence: number, lowConfidence: boolean): number {
  if (lowConfidence) return previous ?? 0;
  if (previous === null) return valence;
  return previous + SMOOTHING_ALPHA * confidence * (valence - previous);
}

export interface CurvePoint {
  turnId: string;
  at: number;
  valence: number;
  smoothed: number;
}

export function curveOf(turns: readonly ScoredTurn[], speaker: Speaker): CurvePoint[] {
  return turns
    .filter((t) => t.speaker === speaker)
    .map((t) => ({ turnId: t.turnId, at: t.at, valence: t.score.valence, smoothed: t.smoothed }));
}
