import { z } from 'zod';
import { severityRank } from '../domain/alert.ts';
import { PhraseMatcher } from './phrases.ts';
import { defineRule } from './rule.ts';

const PhraseGroupSchema = z.object({
  /** The playbook trigger, as `escalation:<trigger>`. */
  trigger: z.string().min(1),
  severity: z.enum(['info', 'warning', 'critical']),
  /** What the phrases mean, for the alert's reason. */
  meaning: z.string().min(1),
  phrases: z.array(z.string().min(1)).min(1),
});
export type PhraseGroup = z.infer<typeof PhraseGroupSchema>;

/** Words that signal escalation (cancel, refund, supervisor, lawyer; 投诉, 退款, 经理 …), whatever the model says. */
export const escalationPhrase = defineRule({
  id: 'escalation-phrase',
  schema: z.array(PhraseGroupSchema),
  create: (groups) => {
    const matchers = groups.map((g) => ({ group: g, matcher: new PhraseMatcher(g.phrases) }));
    return ({ turn }) => {
      if (turn.speaker !== 'customer') return null;
      const hits = matchers.map(({ group, matcher }) => ({ group, found: matcher.find(turn.text) })).filter((h) => h.found.length > 0);
      if (hits.length === 0) return null;
      // The most severe group names the trigger; the reason lists every group that matched.
      const worst = hits.reduce((a, b) => (severityRank(b.group.severity) > severityRank(a.group.severity) ? b : a));
      return {
        trigger: `escalation:${worst.group.trigger}`,
        severity: worst.group.severity,
        reason: `The customer ${hits.map((h) => `${h.group.meaning} ("${h.found[0]}")`).join(' and ')}.`,
        code: { code: 'alert.escalation', params: { triggers: hits.map((h) => h.group.trigger).join(','), phrases: hits.map((h) => h.found[0]).join(',') } },
        evidence: [turn.turnId],
      };
    };
  },
});
