import { isActive, maxSeverity, resolve, severityRank, type Alert } from '../domain/alert.ts';
import type { Finding, Rule, RuleContext } from './rule.ts';

export interface RulesOutcome {
  /** Alerts opened, escalated or resolved by this turn. */
  changed: Alert[];
  /** Findings that opened or escalated an alert: these drive prompts. */
  fresh: Finding[];
}

export interface EngineOptions {
  /** Hysteresis: active alerts resolve only once the customer's smoothed mood is at least this. */
  resolveAbove: number;
}

/**
 * Runs every rule on a scored turn and turns findings into alert lifecycle changes. An alert fires
 * once per rule while it is active (a repeat finding only escalates it); it resolves when the
 * customer recovers past `resolveAbove`, which sits well above every trigger threshold so that a
 * mood hovering at one threshold does not flap.
 */
export function runRules(rules: readonly Rule[], ctx: RuleContext, o: EngineOptions, now: number, newId: () => string): RulesOutcome {
  const { conversation, turn } = ctx;
  const active = new Map(conversation.alerts.filter(isActive).map((a) => [a.rule, a]));
  const changed: Alert[] = [];
  const fresh: Finding[] = [];

  for (const rule of rules) {
    const finding = rule.evaluate(ctx);
    if (!finding) continue;
    const existing = active.get(rule.id);
    if (!existing) {
      const alert: Alert = {
        id: newId(),
        conversationId: conversation.id,
        agentId: conversation.agentId,
        severity: finding.severity,
        rule: rule.id,
        reason: finding.reason,
        reasonCode: finding.code,
        evidence: finding.evidence,
        state: 'open',
        openedAt: now,
        updatedAt: now,
      };
      active.set(rule.id, alert);
      changed.push(alert);
      fresh.push(finding);
    } else if (severityRank(finding.severity) > severityRank(existing.severity)) {
      const escalated: Alert = {
        ...existing,
        severity: maxSeverity(existing.severity, finding.severity),
        reason: finding.reason,
        reasonCode: finding.code,
        evidence: [...new Set([...existing.evidence, ...finding.evidence])],
        state: 'open',
        updatedAt: now,
      };
      active.set(rule.id, escalated);
      changed.push(escalated);
      fresh.push(finding);
    }
  }

  const recovered = turn.speaker === 'customer' && !turn.score.lowConfidence && turn.smoothed >= o.resolveAbove;
  if (recovered) {
    for (const alert of active.values()) {
      if (changed.includes(alert)) continue;
      changed.push(resolve(alert, `The customer recovered (mood ${turn.smoothed.toFixed(2)}).`, now));
    }
  }
  return { changed, fresh };
}
