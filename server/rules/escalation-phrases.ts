import { severityRank, type Severity } from '../domain/alert.ts';
import { PhraseMatcher } from './phrases.ts';
import type { Finding, Rule } from './rule.ts';

export interface PhraseGroup {
  /** The playbook trigger, as `escalation:<trigger>`. */
  trigger: string;
  severity: Severity;
  /** What the phrases mean, for the alert's reason. */
  meaning: string;
  phrases: string[];
}

/** Words that signal escalation (cancel, refund, supervisor, lawyer; 投诉, 退款, 经理 …), whatever the model says. */
export function escalationPhrases(groups: readonly PhraseGroup[]): Rule {
  const matchers = groups.map((g) => ({ group: g, matcher: new PhraseMatcher(g.phrases) }));
  return {
    id: 'escalation-phrase',
    evaluate({ turn }) {
      if (turn.speaker !== 'customer') return null;
      const hits = matchers
        .map(({ group, matcher }) => ({ group, found: matcher.find(turn.text) }))
        .filter((h) => h.found.length > 0);
      if (hits.length === 0) return null;
      // The most severe group names the trigger; the reason lists every group that matched.
      const worst = hits.reduce((a, b) => (severityRank(b.group.severity) > severityRank(a.group.severity) ? b : a));
      const finding: Finding = {
        rule: 'escalation-phrase',
        trigger: `escalation:${worst.group.trigger}`,
        severity: worst.group.severity,
        reason: `The customer ${hits.map((h) => `${h.group.meaning} ("${h.found[0]}")`).join(' and ')}.`,
        code: { code: 'alert.escalation', params: { triggers: hits.map((h) => h.group.trigger).join(','), phrases: hits.map((h) => h.found[0]).join(',') } },
        evidence: [turn.turnId],
      };
      return finding;
    },
  };
}

