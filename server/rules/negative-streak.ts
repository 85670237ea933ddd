import { z } from 'zod';
import type { Severity } from '../domain/alert.ts';
import { defineRule, judgedCustomerTurns } from './rule.ts';

/** Several negative customer turns in a row: the customer is not being heard. */
export const negativeStreak = defineRule({
  id: 'negative-streak',
  schema: z.object({
    warningAfter: z.number().int().min(1),
    criticalAfter: z.number().int().min(1),
    minConfidence: z.number().min(0).max(1),
  }),
  create: (o) => ({ conversation, turn }) => {
    if (turn.speaker !== 'customer' || turn.score.lowConfidence) return null;
    const streak = [];
    for (const t of judgedCustomerTurns(conversation).reverse()) {
      if (t.score.label !== 'negative' || t.score.confidence < o.minConfidence) break;
      streak.push(t.turnId);
    }
    if (streak.length < o.warningAfter) return null;
    const severity: Severity = streak.length >= o.criticalAfter ? 'critical' : 'warning';
    return {
      trigger: 'negative-streak',
      severity,
      reason: `The customer has been negative for ${streak.length} turns in a row.`,
      code: { code: 'alert.negativeStreak', params: { turns: streak.length } },
      evidence: streak.reverse(),
    };
  },
});
