import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/domain/alert.ts';
import type { ConversationSummary } from '../../server/domain/conversation.ts';
import { alertTransition, MemoryWebhookQueue, sign, verify, WebhookDispatcher, type WebhookEvent } from '../../server/webhooks/index.ts';
import { until, WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = 'whsec-test-0123456789';
const TYPES = ['alert.opened', 'alert.escalated', 'alert.acknowledged', 'alert.resolved', 'conversation.ended'] as const;

let sequence = 0;
function eventOf(conversationId: string, type: WebhookEvent['type']): WebhookEvent {
  sequence++;
  return { id: `${conversationId}.${type}.${sequence}`, type, conversationId, sequence, occurredAt: 1_700_000_000_000 + sequence, conversation: { id: conversationId } as ConversationSummary };
}

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

function dispatcherFor(receiver: WebhookReceiver, queue: MemoryWebhookQueue, maxAttempts: number) {
  const dispatcher = new WebhookDispatcher({ url: receiver.url, secret: SECRET, queue, maxAttempts, baseDelayMs: 5, maxDelayMs: 40, pollMs: 5, timeoutMs: 2000, concurrency: 4 });
  dispatcher.start();
  running.push(dispatcher, { stop: () => receiver.down() });
  return dispatcher;
}

describe('webhook signatures', () => {
  it('verify what was signed, and nothing else', () => {
    const now = 1_700_000_000_000;
    const header = sign(SECRET, '{"a":1}', now);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/u);
    expect(verify(SECRET, header, '{"a":1}', now)).toBe(true);
    expect(verify(SECRET, header, '{"a":2}', now)).toBe(false);
    expect(verify('another-secret', header, '{"a":1}', now)).toBe(false);
    expect(verify(SECRET, header, '{"a":1}', now + 301_000)).toBe(false);
    expect(verify(SECRET, undefined, '{"a":1}', now)).toBe(false);
  });
});

describe('alert transitions', () => {
  const alert = (state: Alert['state'], severity: Alert['severity']) => ({ state, severity }) as Alert;
  it('are told apart by state and severity', () => {
    expect(alertTransition(alert('open', 'warning'), alert('open', 'critical'))).toBe('alert.escalated');
    expect(alertTransition(alert('open', 'warning'), alert('acknowledged', 'warning'))).toBe('alert.acknowledged');
    expect(alertTransition(alert('acknowledged', 'warning'), alert('resolved', 'warning'))).toBe('alert.resolved');
    expect(alertTransition(undefined, alert('acknowledged', 'warning'))).toBe('alert.acknowledged');
    expect(alertTransition(alert('open', 'critical'), alert('open', 'critical'))).toBeUndefined();
    expect(alertTransition(alert('open', 'critical'), alert('open', 'warning'))).toBeUndefined();
  });
});

describe('webhook delivery', () => {
  it('survives the receiver being down: every event arrives, signed, once per key, in order per conversation', async () => {
    const receiver = new WebhookReceiver(SECRET);
    await receiver.up();
    await receiver.down(); // the port is known, nobody listens: connection refused
    const queue = new MemoryWebhookQueue();
    dispatcherFor(receiver, queue, 1000);

    const sent: WebhookEvent[] = [];
    for (const type of TYPES) for (const c of ['conv-a', 'conv-b', 'conv-c']) sent.push(eventOf(c, type));
    for (const e of sent) await queue.push({ id: `d-${e.id}`, event: e, attempts: 0, nextAttemptAt: 0 });

    await until(async () => (await queue.recent(1000)).filter((a) => a.outcome === 'retry').length >= 9);
    expect(receiver.requests).toHaveLength(0);

    // Back up, but the first attempt at one event fails once more: its conversation must wait for it.
    let refusedOnce = false;
    receiver.answer = (r) => (r.event.id === sent[4]!.id && !refusedOnce ? ((refusedOnce = true), 503) : 200);
    await receiver.up();
    await until(() => receiver.unique.length === sent.length);
    await until(async () => (await queue.pending()) === 0);

    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(receiver.unique.map((r) => r.key))).toEqual(new Set(sent.map((e) => e.id)));
    for (const c of ['conv-a', 'conv-b', 'conv-c']) {
      const arrived = receiver.unique.filter((r) => r.event.conversationId === c).map((r) => r.event.type);
      expect(arrived).toEqual(TYPES);
    }
    // A redelivery carries the same key and body as the first try.
    const retried = receiver.requests.filter((r) => r.key === sent[4]!.id);
    expect(retried.length).toBeGreaterThanOrEqual(2);
    expect(retried.map((r) => r.event)).toEqual(retried.map(() => sent[4]));
    expect(retried.at(-1)!.headers['rapport-event']).toBe(sent[4]!.type);
    expect(Number(retried.at(-1)!.headers['rapport-delivery-attempt'])).toBeGreaterThan(1);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it('dead-letters after the last attempt or a final refusal, and sends again on retry', async () => {
    const receiver = new WebhookReceiver(SECRET);
    await receiver.up();
    let accept = false;
    receiver.answer = (r) => (accept ? 200 : r.event.conversationId === 'gone' ? 410 : 500);
    const queue = new MemoryWebhookQueue();
    const dispatcher = dispatcherFor(receiver, queue, 3);

    const failing = eventOf('flaky', 'alert.opened');
    const after = eventOf('flaky', 'conversation.ended');
    const refused = eventOf('gone', 'alert.opened');
    for (const e of [failing, after, refused]) await queue.push({ id: `d-${e.id}`, event: e, attempts: 0, nextAttemptAt: 0 });

    await until(async () => (await queue.deadLetters()).length === 3);
    const dead = await queue.deadLetters();
    expect(dead.find((d) => d.event.id === refused.id)).toMatchObject({ attempts: 1, lastError: 'HTTP 410' });
    expect(dead.find((d) => d.event.id === failing.id)).toMatchObject({ attempts: 3, lastError: 'HTTP 500' });
    const log = await queue.recent(100);
    expect(log.filter((a) => a.eventId === failing.id).map((a) => a.outcome)).toEqual(['dead-letter', 'retry', 'retry']);

    accept = true;
    for (const d of dead) expect(await queue.requeue(d.id, Date.now())).toMatchObject({ attempts: 0 });
    dispatcher.wake();
    await until(async () => (await queue.pending()) === 0);
    expect(await queue.deadLetters()).toEqual([]);
    expect(receiver.unique.map((r) => r.key).sort()).toEqual([failing.id, after.id, refused.id].sort());
    expect(await queue.requeue('no-such-delivery', Date.now())).toBeUndefined();
  });
});
