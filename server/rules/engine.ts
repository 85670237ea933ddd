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
    const alert = finding && alertFor(finding, active.get(rule.id), conversation, rule.id, now, newId);
    if (!finding || !alert) continue;
    active.set(rule.id, alert);
    changed.push(alert);
    fresh.push(finding);
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

/**
 * What a finding does to its rule's active alert: opens one when there is none, raises it when the
 * finding is more severe, and otherwise changes nothing (undefined). Per-turn and timed rules alike.
 */
export function alertFor(finding: Finding, active: Alert | undefined, c: { id: string; agentId?: string }, ruleId: string, now: number, newId: () => string): Alert | undefined {
  if (!active) {
    return {
      id: newId(),
      conversationId: c.id,
      agentId: c.agentId,
      severity: finding.severity,
      rule: ruleId,
      reason: finding.reason,
      reasonCode: finding.code,
      evidence: finding.evidence,
      state: 'open',
      openedAt: now,
      updatedAt: now,
    };
  }
  if (severityRank(finding.severity) <= severityRank(active.severity)) return undefined;
  return {
    ...active,
    severity: maxSeverity(active.severity, finding.severity),
    reason: finding.reason,
    reasonCode: finding.code,
    evidence: [...new Set([...active.evidence, ...finding.evidence])],
    state: 'open',
    updatedAt: now,
  };
}
