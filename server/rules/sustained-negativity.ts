import { judgedCustomerTurns, type Rule } from './rule.ts';

export interface SustainedNegativityOptions {
  /** The smoothed customer valence at or below which the mood counts as clearly negative. */
  threshold: number;
  /** Judged customer turns needed first: one bad line is a moment, not a mood. */
  minTurns: number;
}

/** The customer's smoothed mood is clearly negative: the negative-emotion alert of service-quality practice. */
export function sustainedNegativity(o: SustainedNegativityOptions): Rule {
  return {
    id: 'negative-mood',
    evaluate({ conversation, turn }) {
      if (turn.speaker !== 'customer' || turn.score.lowConfidence) return null;
      if (turn.smoothed > o.threshold || judgedCustomerTurns(conversation).length < o.minTurns) return null;
      return {
        rule: 'negative-mood',
        trigger: 'negative-mood',
        severity: 'warning',
        reason: `The customer's mood is clearly negative (${turn.smoothed.toFixed(2)} on a scale from -1 to 1).`,
        code: { code: 'alert.negativeMood', params: { mood: Number(turn.smoothed.toFixed(2)) } },
        evidence: [turn.turnId],
      };
    },
  };
}
