import { z } from 'zod';
import { agentInterruptions } from './agent-interruptions.ts';
import { agentTalkSpeed } from './agent-talk-speed.ts';
import { customerWait } from './customer-wait.ts';
import { escalationPhrase } from './escalation-phrase.ts';
import { longSilence } from './long-silence.ts';
import { negativeMood } from './negative-mood.ts';
import { negativeStreak } from './negative-streak.ts';
import type { Rule, RulePlugin } from './rule.ts';
import { sharpDrop } from './sharp-drop.ts';
import type { TimedRule, TimedRulePlugin } from './timed.ts';

export { runRules } from './engine.ts';
export type { PhraseGroup } from './escalation-phrase.ts';
export { PhraseMatcher } from './phrases.ts';
export type { Finding, Rule, RuleContext } from './rule.ts';
export { nextTimedCheckAt, runTimedRules, type TimedOutcome, type TimedRule } from './timed.ts';

/**
 * The registered rules, by their section in rules.yaml, in the order they run. Adding a rule: a file
 * beside this one exporting `defineRule({ id, schema, create })`, and a line here.
 */
const RULES = {
  escalationPhrases: escalationPhrase,
  negativeStreak,
  sharpDrop,
  negativeMood,
  agentInterruptions,
  agentTalkSpeed,
} as const;

/**
 * The registered timed rules (about time passing without a turn: a customer waiting, a silent call),
 * judged on the rule ticker's clock ticks (a `DueTicker`, server/due-ticker.ts). Adding one: a file beside this one
 * exporting `defineTimedRule({ id, schema, create })`, and a line here.
 */
const TIMED_RULES = {
  customerWait,
  longSilence,
} as const;

type RuleSections = { [K in keyof typeof RULES]: (typeof RULES)[K]['schema'] };
const sections = Object.fromEntries(Object.entries(RULES).map(([key, rule]) => [key, rule.schema])) as RuleSections;
type TimedSections = { [K in keyof typeof TIMED_RULES]: (typeof TIMED_RULES)[K]['schema'] };
const timedSections = Object.fromEntries(Object.entries(TIMED_RULES).map(([key, rule]) => [key, rule.schema])) as TimedSections;

export const RulesConfigSchema = z.object({
  ...sections,
  ...timedSections,
  /** Hysteresis, for the engine: active alerts resolve only once the customer's mood is at least this. */
  resolveAbove: z.number().min(-1).max(1),
  /** How often the timed rules look at live conversations. */
  tickSeconds: z.number().positive(),
});
export type RulesConfig = z.infer<typeof RulesConfigSchema>;

export function createRules(config: RulesConfig): Rule[] {
  return Object.entries(RULES).map(([key, plugin]: [string, RulePlugin]) => ({
    id: plugin.id,
    // Each section was validated by this plugin's own schema above.
    evaluate: plugin.create(config[key as keyof typeof RULES]),
  }));
}

/** The rules about time passing without a turn, judged on the rule ticker's ticks (server/due-ticker.ts). */
export function createTimedRules(config: RulesConfig): TimedRule[] {
  return Object.entries(TIMED_RULES).map(([key, plugin]: [string, TimedRulePlugin]) => ({
    id: plugin.id,
    // Each section was validated by this plugin's own schema above.
    ...plugin.create(config[key as keyof typeof TIMED_RULES]),
  }));
}
