import type { Severity } from '../domain/alert.ts';
import { judgedCustomerTurns, type Rule } from './rule.ts';

export interface NegativeStreakOptions {
  warningAfter: number;
  criticalAfter: number;
  minConfidence: number;
}

/** Several negative customer turns in a row: the customer is not being heard. */
export function negativeStreak(o: NegativeStreakOptions): Rule {
  return {
    id: 'negative-streak',
    evaluate({ conversation, turn }) {
      if (turn.speaker !== 'customer' || turn.score.lowConfidence) return null;
      const streak = [];
      for (const t of judgedCustomerTurns(conversation).reverse()) {
        if (t.score.label !== 'negative' || t.score.confidence < o.minConfidence) break;
        streak.push(t.turnId);
      }
      if (streak.length < o.warningAfter) return null;
      const severity: Severity = streak.length >= o.criticalAfter ? 'critical' : 'warning';
      return {
        rule: 'negative-streak',
        trigger: 'negative-streak',
        severity,
        reason: `The customer has been negative for ${streak.length} turns in a row.`,
        code: { code: 'alert.negativeStreak', params: { turns: streak.length } },
        evidence: streak.reverse(),
      };
    },
  };
}
