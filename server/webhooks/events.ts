import { severityRank, type Alert } from '../domain/alert.ts';
import { summarize, type Conversation } from '../domain/conversation.ts';
import type { Outcome, Publisher } from '../outcome.ts';
import { postContactSummary } from '../reports/index.ts';
import type { WebhookEvent, WebhookEventType } from './queue.ts';

/**
 * What an alert change means to a ticketing system. The pipeline says only "opened" or "updated";
 * comparing with the alert as last seen tells acknowledged and resolved (state) from escalated
 * (severity rose). Other updates (more evidence) are not events.
 */
export function alertTransition(before: Pick<Alert, 'state' | 'severity'> | undefined, after: Alert): WebhookEventType | undefined {
  if (after.state !== (before?.state ?? 'open')) return after.state === 'resolved' ? 'alert.resolved' : 'alert.acknowledged';
  if (before && severityRank(after.severity) > severityRank(before.severity)) return 'alert.escalated';
  return undefined;
}

/**
 * The same happening has the same id wherever and however often it is emitted (a turn redelivered
 * after a crash emits its alerts again), so receivers deduplicate on it as the Idempotency-Key.
 */
function eventId(type: WebhookEventType, c: Conversation, alert: Alert | undefined): string {
  if (!alert) return `${c.id}.${type}`;
  return type === 'alert.escalated' ? `${alert.id}.${type}.${alert.severity}` : `${alert.id}.${type}`;
}

/**
 * Turns published outcomes into webhook events, numbered in the order they happened. A conversation's
 * outcomes are published in order, so `emit` sees them in order too.
 */
export function webhookPublisher(emit: (event: WebhookEvent) => void, clock: () => number): Publisher {
  const lastSeen = new Map<string, Pick<Alert, 'state' | 'severity'>>();
  // Seeded from the clock so that numbers keep rising across restarts without any stored state.
  let sequence = clock() * 1000;

  const event = (type: WebhookEventType, c: Conversation, extra: Partial<WebhookEvent>): WebhookEvent => {
    const now = clock();
    sequence = Math.max(sequence + 1, now * 1000);
    return { id: eventId(type, c, extra.alert), type, conversationId: c.id, sequence, occurredAt: now, conversation: summarize(c, now), ...extra };
  };

  const onAlert = (c: Conversation, alert: Alert, change: 'opened' | 'updated') => {
    const type = change === 'opened' ? 'alert.opened' : alertTransition(lastSeen.get(alert.id), alert);
    lastSeen.set(alert.id, { state: alert.state, severity: alert.severity });
    if (type) emit(event(type, c, { alert }));
  };
  const onEnded = (c: Conversation) => {
    emit(event('conversation.ended', c, { summary: postContactSummary(c, clock()) }));
    // Alerts can still be acknowledged after the end; their state then counts from "open" again.
    for (const a of c.alerts) lastSeen.delete(a.id);
  };
  return {
    publish(o: Outcome) {
      if (o.kind === 'turn' || o.kind === 'alerts') for (const { alert, change } of o.alerts) onAlert(o.conversation, alert, change);
      else if (o.kind === 'ended') onEnded(o.conversation);
    },
  };
}
