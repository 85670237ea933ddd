import { z } from 'zod';
import { defineRule, judgedCustomerTurns } from './rule.ts';

/** A sudden turn for the worse: often the moment something the agent said landed badly. */
export const sharpDrop = defineRule({
  id: 'sharp-drop',
  schema: z.object({
    /** How far one turn's valence must fall below the smoothed mood before it. */
    minDrop: z.number().positive(),
  }),
  create: (o) => ({ conversation, turn }) => {
    if (turn.speaker !== 'customer' || turn.score.lowConfidence || turn.score.label !== 'negative') return null;
    const judged = judgedCustomerTurns(conversation);
    const before = judged.at(-2);
    if (!before) return null;
    const drop = before.smoothed - turn.score.valence;
    if (drop < o.minDrop) return null;
    const lastAgent = conversation.turns.filter((t) => t.speaker === 'agent' && t.at <= turn.at).at(-1);
    return {
      trigger: 'sharp-drop',
      severity: 'warning',
      reason: `The customer's mood dropped sharply (from ${before.smoothed.toFixed(2)} to ${turn.score.valence.toFixed(2)}).`,
      code: { code: 'alert.sharpDrop', params: { from: Number(before.smoothed.toFixed(2)), to: Number(turn.score.valence.toFixed(2)) } },
      evidence: [lastAgent?.turnId, turn.turnId].filter((id): id is string => id !== undefined),
    };
  },
});
