import { z } from 'zod';
import { agentInterruptions } from './agent-interruptions.ts';
import { agentTalkSpeed } from './agent-talk-speed.ts';
import { customerWait } from './customer-wait.ts';
import { escalationPhrases } from './escalation-phrases.ts';
import { longSilence } from './long-silence.ts';
import { negativeStreak } from './negative-streak.ts';
import type { Rule } from './rule.ts';
import { sharpDrop } from './sharp-drop.ts';
import { sustainedNegativity } from './sustained-negativity.ts';
import type { TimedRule } from './timed.ts';

export { runRules, type RulesOutcome } from './engine.ts';
export type { Finding, Rule, RuleContext } from './rule.ts';
export { nextTimedCheckAt, runTimedRules, type TimedOutcome, type TimedRule } from './timed.ts';

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
  customerWait: z.object({ warningAfterSeconds: z.number().positive(), criticalAfterSeconds: z.number().positive() }),
  longSilence: z.object({ warningAfterSeconds: z.number().positive() }),
  agentInterruptions: z.object({ warningAfter: z.number().int().min(1) }),
  agentTalkSpeed: z.object({
    maxWordsPerMinute: z.object({ en: z.number().positive(), zh: z.number().positive() }),
    minTalkSeconds: z.number().min(0),
  }),
  /** How often the timed rules look at live conversations. */
  tickSeconds: z.number().positive(),
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
    agentInterruptions(config.agentInterruptions),
    agentTalkSpeed(config.agentTalkSpeed),
  ];
}

/** The rules about time passing without a turn, judged on the rule ticker's ticks (server/rules/ticker.ts). */
export function createTimedRules(config: RulesConfig): TimedRule[] {
  return [customerWait(config.customerWait), longSilence(config.longSilence)];
}
