/** Alerts and their lifecycle: open -> acknowledged -> resolved. Pure functions returning new values. */
import type { Reason } from './quality.ts';

export type Severity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: string;
  conversationId: string;
  agentId?: string;
  severity: Severity;
  rule: string;
  /** A sentence a supervisor understands, in English (logs, webhooks, exports). */
  reason: string;
  /** The reason as a code with parameters, worded by the screens in their language. */
  reasonCode?: Reason;
  /** Turn ids that made the rule fire. */
  evidence: string[];
  state: AlertState;
  openedAt: number;
  updatedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolution?: string;
  /** When an open alert must be acknowledged by; past it, it escalates (server/quality/deadlines.ts). */
  ackDueAt?: number;
  /** The role expected to acknowledge it now: escalation moves it along the configured chain. */
  notify?: string;
  escalations?: AlertEscalation[];
  /** The supervisor who will follow this alert up. */
  assignedTo?: string;
  assignedBy?: string;
  assignedAt?: number;
}

/** An alert as one change left it: newly opened, or an existing alert updated. */
export interface AlertChange {
  alert: Alert;
  change: 'opened' | 'updated';
}

/** One missed acknowledgement deadline: the severity went up and the next role was notified. */
export interface AlertEscalation {
  at: number;
  from: Severity;
  to: Severity;
  notify: string;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

export function isActive(alert: Alert): boolean {
  return alert.state !== 'resolved';
}

export function acknowledge(alert: Alert, by: string, now: number): Alert {
  if (alert.state !== 'open') return alert;
  return { ...alert, state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, updatedAt: now };
}

/** Hands an unresolved alert to a named supervisor; reassigning to the same person changes nothing. */
export function assign(alert: Alert, to: string, by: string, now: number): Alert {
  if (alert.state === 'resolved' || alert.assignedTo === to) return alert;
  return { ...alert, assignedTo: to, assignedBy: by, assignedAt: now, updatedAt: now };
}

export function resolve(alert: Alert, resolution: string, now: number): Alert {
  if (alert.state === 'resolved') return alert;
  return { ...alert, state: 'resolved', resolvedAt: now, resolution, updatedAt: now };
}
