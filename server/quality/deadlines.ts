import { severityRank, type Alert, type Severity } from '../domain/alert.ts';
import type { QualityConfig } from './config.ts';

/**
 * Acknowledgement deadlines. An open alert must be acknowledged within the minutes configured for its
 * severity; past that it escalates: severity one step up, the next role in the chain notified, and a
 * fresh deadline for that role. Deadlines are absolute times on the alert, so they survive a restart.
 */

type AckConfig = QualityConfig['acknowledge'];
const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];
const MINUTE = 60_000;

/**
 * Gives an open alert its deadline: a new alert, or one re-opened after it was acknowledged, gets
 * `now + minutes(severity)`; an alert raised in severity before anyone acknowledged it keeps the
 * earlier of its deadline and the new severity's.
 */
export function armAckDeadline(alert: Alert, config: AckConfig, now: number): Alert {
  if (alert.state !== 'open') return alert;
  const due = now + config.minutes[alert.severity] * MINUTE;
  const fresh = alert.ackDueAt === undefined || alert.acknowledgedAt !== undefined;
  return { ...alert, notify: alert.notify ?? config.chain[0], ackDueAt: fresh ? due : Math.min(alert.ackDueAt!, due) };
}

/** Whether the alert can still go up: a higher severity or a further role. */
function canEscalate(alert: Alert, config: AckConfig): boolean {
  return severityRank(alert.severity) < SEVERITIES.length - 1 || config.chain.indexOf(alert.notify ?? config.chain[0]!) < config.chain.length - 1;
}

export function isOverdue(alert: Alert, now: number): boolean {
  return alert.state === 'open' && alert.ackDueAt !== undefined && alert.ackDueAt <= now;
}

export function escalate(alert: Alert, config: AckConfig, now: number): Alert {
  const to = SEVERITIES[Math.min(severityRank(alert.severity) + 1, SEVERITIES.length - 1)]!;
  const roleIndex = Math.min(config.chain.indexOf(alert.notify ?? config.chain[0]!) + 1, config.chain.length - 1);
  const notify = config.chain[roleIndex]!;
  return {
    ...alert,
    severity: to,
    notify,
    ackDueAt: now + config.minutes[to] * MINUTE,
    escalations: [...(alert.escalations ?? []), { at: now, from: alert.severity, to, notify }],
    updatedAt: now,
  };
}

/** The alerts that are overdue now and can still escalate, escalated. */
export function dueEscalations(alerts: readonly Alert[], config: AckConfig, now: number): Alert[] {
  return alerts.filter((a) => isOverdue(a, now) && canEscalate(a, config)).map((a) => escalate(a, config, now));
}

/** When the ticker must next look at these alerts; undefined when nothing can escalate. */
export function nextEscalationAt(alerts: readonly Alert[], config: AckConfig): number | undefined {
  const due = alerts.filter((a) => a.state === 'open' && a.ackDueAt !== undefined && canEscalate(a, config)).map((a) => a.ackDueAt!);
  return due.length === 0 ? undefined : Math.min(...due);
}

