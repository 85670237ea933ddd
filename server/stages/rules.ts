import { withAlerts } from '../domain/conversation.ts';
import { runRules, type Rule } from '../rules/index.ts';
import { defineStage } from './stage.ts';

/** The alert rules: findings become opened, escalated or resolved alerts. */
export const rulesStage = (rules: readonly Rule[], resolveAbove: number) =>
  defineStage({
    name: 'rules',
    reads: ['conversation', 'turn'],
    adds: ['conversation', 'findings', 'alerts'],
    run({ conversation, turn }, { now, newId }) {
      const outcome = runRules(rules, { conversation, turn }, { resolveAbove }, now, newId);
      return { conversation: withAlerts(conversation, outcome.changed), findings: outcome.fresh, alerts: outcome.changed };
    },
  });
