import { z } from 'zod';
import { escalationPhrases } from './escalation-phrases.ts';
import { negativeStreak } from './negative-streak.ts';
import type { Rule } from './rule.ts';
import { sharpDrop } from './sharp-drop.ts';
import { sustainedNegativity } from './sustained-negativity.ts';

export { runRules, type RulesOutcome } from './engine.ts';
export type { Finding, Rule, RuleContext } from './rule.ts';

const severity = z.enum(['info', 'warning', 'critical']);

export const RulesConfigSchema = z.object({
  negativeStreak: z.object({
    warningAfter: z.number().int().min(1),
    criticalAfter: z.number().int().min(1),
    minConfidence: z.number().min(0).max(1),
  }),
  sharpDrop: z.object({ minDrop: z.number().positive() }),
  negativeMood: z.object({ threshold: z.number().min(-1).max(1), minTurns: z.number().int().min(1) }),
  resolveAbove: z.number().min(-1).max(1),
  escalationPhrases: z.array(
    z.object({ trigger: z.string().min(1), severity, meaning: z.string().min(1), phrases: z.array(z.string().min(1)).min(1) }),
  ),
});
export type RulesConfig = z.infer<typeof RulesConfigSchema>;

/** The registered rules, in the order they run. Adding a rule: a file beside this one and a line here. */
export function createRules(config: RulesConfig): Rule[] {
  return [
    escalationPhrases(config.escalationPhrases),
    negativeStreak(config.negativeStreak),
    sharpDrop(config.sharpDrop),
    sustainedNegativity(config.negativeMood),
  ];
}
