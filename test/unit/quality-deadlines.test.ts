import { describe, expect, it } from 'vitest';
import { acknowledge, type Alert } from '../../server/domain/alert.ts';
import { summarize, withAlerts } from '../../server/domain/conversation.ts';
import { armAckDeadline, dueEscalations, isOverdue, nextEscalationAt } from '../../server/quality/index.ts';
import { config, play } from '../support/quality.ts';

const ack = config.quality.acknowledge;
const MINUTE = 60_000;
const T0 = 10_000_000;

function alertOf(over: Partial<Alert> = {}): Alert {
  return { id: 'a1', conversationId: 'c1', severity: 'warning', rule: 'negative-streak', reason: 'r', evidence: [], state: 'open', openedAt: T0, updatedAt: T0, ...over };
}

describe('acknowledgement deadlines', () => {
  it('arm a new alert with the minutes configured for its severity, for the first role in the chain', () => {
    expect(armAckDeadline(alertOf(), ack, T0)).toMatchObject({ ackDueAt: T0 + 5 * MINUTE, notify: 'supervisor' });
    expect(armAckDeadline(alertOf({ severity: 'critical' }), ack, T0).ackDueAt).toBe(T0 + 2 * MINUTE);
    const acked = acknowledge(alertOf(), 'sam', T0);
    expect(armAckDeadline(acked, ack, T0)).toBe(acked);
  });

  it('keep the earlier deadline when a rule raises an unacknowledged alert, and restart when it re-opens after acknowledgement', () => {
    const armed = armAckDeadline(alertOf(), ack, T0);
    expect(armAckDeadline({ ...armed, severity: 'critical' }, ack, T0 + 4 * MINUTE).ackDueAt).toBe(T0 + 5 * MINUTE);
    const reopened = { ...acknowledge(armed, 'sam', T0 + MINUTE), state: 'open' as const, severity: 'critical' as const };
    expect(armAckDeadline(reopened, ack, T0 + 10 * MINUTE).ackDueAt).toBe(T0 + 12 * MINUTE);
  });

  it('escalate an alert nobody acknowledged: severity up, the next role notified, a fresh deadline; then stop at the top', () => {
    // A fake clock: each step names the instant it runs at.
    const armed = armAckDeadline(alertOf(), ack, T0);
    expect(dueEscalations([armed], ack, T0 + 5 * MINUTE - 1)).toEqual([]);

    const [first] = dueEscalations([armed], ack, T0 + 5 * MINUTE);
    expect(first).toMatchObject({ severity: 'critical', notify: 'manager', ackDueAt: T0 + 7 * MINUTE, updatedAt: T0 + 5 * MINUTE, state: 'open' });
    expect(first!.escalations).toEqual([{ at: T0 + 5 * MINUTE, from: 'warning', to: 'critical', notify: 'manager' }]);

    // Critical and with the last role: still overdue for the wall, but nothing further to escalate to.
    expect(isOverdue(first!, T0 + 8 * MINUTE)).toBe(true);
    expect(dueEscalations([first!], ack, T0 + 8 * MINUTE)).toEqual([]);
    expect(nextEscalationAt([first!], ack)).toBeUndefined();
  });

  it('walks an info alert up one step per missed deadline', () => {
    let alert = armAckDeadline(alertOf({ severity: 'info' }), ack, T0);
    const seen: string[] = [];
    for (let now = T0; now < T0 + 60 * MINUTE; now += MINUTE) {
      const [escalated] = dueEscalations([alert], ack, now);
      if (escalated) {
        alert = escalated;
        seen.push(`${(now - T0) / MINUTE}:${alert.severity}:${alert.notify}`);
      }
    }
    expect(seen).toEqual(['10:warning:manager', '15:critical:manager']);
  });

  it('do not escalate an acknowledged or resolved alert', () => {
    const armed = armAckDeadline(alertOf(), ack, T0);
    const acked = acknowledge(armed, 'sam', T0 + MINUTE);
    expect(dueEscalations([acked, { ...armed, id: 'a2', state: 'resolved' }], ack, T0 + 60 * MINUTE)).toEqual([]);
    expect(nextEscalationAt([acked], ack)).toBeUndefined();
    expect(nextEscalationAt([armed, { ...armed, id: 'a3', ackDueAt: T0 + MINUTE }], ack)).toBe(T0 + MINUTE);
  });

  it('put the earliest open deadline on the wall tile', () => {
    const c = withAlerts(play([['customer', 'hello']]), [
      armAckDeadline(alertOf({ id: 'x' }), ack, T0),
      armAckDeadline(alertOf({ id: 'y', severity: 'critical' }), ack, T0),
    ]);
    expect(summarize(c, T0).ackDueAt).toBe(T0 + 2 * MINUTE);
  });
});
