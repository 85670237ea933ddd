import { z } from 'zod';
import { escalationPhrase } from './escalation-phrase.ts';
import { negativeMood } from './negative-mood.ts';
import { negativeStreak } from './negative-streak.ts';
import type { Rule, RulePlugin } from './rule.ts';
import { sharpDrop } from './sharp-drop.ts';

export { runRules } from './engine.ts';
export type { PhraseGroup } from './escalation-phrase.ts';
export { PhraseMatcher } from './phrases.ts';
export type { Finding, Rule, RuleContext } from './rule.ts';

/**
 * The registered rules, by their section in rules.yaml, in the order they run. Adding a rule: a file
 * beside this one exporting `defineRule({ id, schema, create })`, and a line here.
 */
const RULES = {
  escalationPhrases: escalationPhrase,
  negativeStreak,
  sharpDrop,
  negativeMood,
} as const;

type RuleSections = { [K in keyof typeof RULES]: (typeof RULES)[K]['schema'] };
const sections = Object.fromEntries(Object.entries(RULES).map(([key, rule]) => [key, rule.schema])) as RuleSections;

export const RulesConfigSchema = z.object({
  ...sections,
  /** Hysteresis, for the engine: active alerts resolve only once the customer's mood is at least this. */
  resolveAbove: z.number().min(-1).max(1),
});
export type RulesConfig = z.infer<typeof RulesConfigSchema>;

export function createRules(config: RulesConfig): Rule[] {
  return Object.entries(RULES).map(([key, plugin]: [string, RulePlugin]) => ({
    id: plugin.id,
    // Each section was validated by this plugin's own schema above.
    evaluate: plugin.create(config[key as keyof typeof RULES]),
  }));
}
