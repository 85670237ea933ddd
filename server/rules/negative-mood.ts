import { z } from 'zod';
import { defineRule, judgedCustomerTurns } from './rule.ts';

/** The customer's smoothed mood is clearly negative: the negative-emotion alert of service-quality practice. */
export const negativeMood = defineRule({
  id: 'negative-mood',
  schema: z.object({
    /** The smoothed customer valence at or below which the mood counts as clearly negative. */
    threshold: z.number().min(-1).max(1),
    /** Judged customer turns needed first: one bad line is a moment, not a mood. */
    minTurns: z.number().int().min(1),
  }),
  create: (o) => ({ conversation, turn }) => {
    if (turn.speaker !== 'customer' || turn.score.lowConfidence) return null;
    if (turn.smoothed > o.threshold || judgedCustomerTurns(conversation).length < o.minTurns) return null;
    return {
      trigger: 'negative-mood',
      severity: 'warning',
      reason: `The customer's mood is clearly negative (${turn.smoothed.toFixed(2)} on a scale from -1 to 1).`,
      code: { code: 'alert.negativeMood', params: { mood: Number(turn.smoothed.toFixed(2)) } },
      evidence: [turn.turnId],
    };
  },
});
