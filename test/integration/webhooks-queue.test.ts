import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../server/domain/conversation.ts';
import { MemoryWebhookQueue, RedisWebhookQueue, type Delivery, type WebhookQueue } from '../../server/webhooks/index.ts';
import type { RedisClient } from '../../server/redis/index.ts';
import { connectAdmin, startRedis, type TestRedis } from '../support/redis.ts';

let n = 0;
function delivery(conversationId: string, nextAttemptAt = 0): Delivery {
  n++;
  const event = { id: `e${n}`, type: 'alert.opened', conversationId, sequence: n, occurredAt: n, conversation: { id: conversationId } as ConversationSummary } as const;
  return { id: `d${n}`, event, attempts: 0, nextAttemptAt };
}

let redis: TestRedis;
const clients: RedisClient[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of clients) if (c.isOpen) c.destroy();
  await redis?.stop();
});

const IMPLEMENTATIONS: [string, () => Promise<WebhookQueue>][] = [
  ['memory', async () => new MemoryWebhookQueue()],
  [
    'redis',
    async () => {
      const client = await connectAdmin(redis.url);
      clients.push(client);
      await client.flushDb();
      return new RedisWebhookQueue(client);
    },
  ],
];

describe.each(IMPLEMENTATIONS)('%s webhook queue', (_name, create) => {
  let q: WebhookQueue;
  beforeEach(async () => {
    q = await create();
  });

  it('offers only the head of each conversation, so nothing overtakes an earlier event', async () => {
    const [a1, a2, b1] = [delivery('a'), delivery('a'), delivery('b')];
    for (const d of [a1, a2, b1]) await q.push(d!);
    expect(await q.pending()).toBe(3);
    expect(new Set((await q.due(10, 10)).map((d) => d.id))).toEqual(new Set([a1!.id, b1!.id]));
    await q.delivered(a1!);
    await q.delivered(b1!);
    expect((await q.due(10, 10)).map((d) => d.id)).toEqual([a2!.id]);
    await q.delivered(a2!);
    expect(await q.pending()).toBe(0);
    expect(await q.due(10, 10)).toEqual([]);
  });

  it('holds a failed head back until its retry time, with its lane behind it', async () => {
    const [a1, a2] = [delivery('a'), delivery('a')];
    await q.push(a1!);
    await q.push(a2!);
    const [head] = await q.due(10, 10);
    await q.retryLater({ ...head!, attempts: 1, nextAttemptAt: 500, lastError: 'HTTP 503' });
    expect(await q.due(499, 10)).toEqual([]);
    expect(await q.due(500, 10)).toEqual([{ ...a1, attempts: 1, nextAttemptAt: 500, lastError: 'HTTP 503' }]);
  });

  it('dead-letters a head, unblocking its lane, and requeues it at the end on request', async () => {
    const [a1, a2] = [delivery('a'), delivery('a')];
    await q.push(a1!);
    await q.push(a2!);
    await q.due(10, 10);
    await q.deadLetter({ ...a1!, attempts: 8, lastError: 'HTTP 500' });
    expect(await q.deadLetters()).toEqual([{ ...a1, attempts: 8, lastError: 'HTTP 500' }]);
    expect((await q.due(10, 10)).map((d) => d.id)).toEqual([a2!.id]);
    expect(await q.requeue(a1!.id, 20)).toEqual({ ...a1, attempts: 0, nextAttemptAt: 20, lastError: 'HTTP 500' });
    expect(await q.requeue(a1!.id, 20)).toBeUndefined();
    expect(await q.deadLetters()).toEqual([]);
    await q.delivered(a2!);
    expect((await q.due(20, 10)).map((d) => d.id)).toEqual([a1!.id]);
  });

  it('ignores a settle for a delivery that is no longer the head', async () => {
    const a1 = delivery('a');
    await q.push(a1);
    await q.delivered(a1);
    await q.delivered(a1);
    await q.deadLetter(a1);
    expect(await q.pending()).toBe(0);
    expect(await q.deadLetters()).toEqual([]);
  });

  it('keeps a delivery log, newest first', async () => {
    const base = { deliveryId: 'd', eventId: 'e', type: 'alert.opened', conversationId: 'a', sequence: 1, at: 1 } as const;
    for (const attempt of [1, 2, 3]) await q.log({ ...base, attempt, outcome: attempt === 3 ? 'delivered' : 'retry' });
    expect((await q.recent(2)).map((a) => a.attempt)).toEqual([3, 2]);
  });
});

describe('redis webhook queue durability', () => {
  it('another connection (a restarted Rapport) finds what was queued', async () => {
    const first = await connectAdmin(redis.url);
    const second = await connectAdmin(redis.url);
    clients.push(first, second);
    await first.flushDb();
    const d = delivery('a');
    await new RedisWebhookQueue(first).push(d);
    first.destroy();
    expect(await new RedisWebhookQueue(second).due(10, 10)).toEqual([d]);
  });

  it('a claimed head is not offered to another process until its lease runs out', async () => {
    const client = await connectAdmin(redis.url);
    clients.push(client);
    await client.flushDb();
    const [one, two] = [new RedisWebhookQueue(client, 1000), new RedisWebhookQueue(client, 1000)];
    const d = delivery('a');
    await one.push(d);
    expect(await one.due(10, 10)).toEqual([d]);
    expect(await two.due(500, 10)).toEqual([]);
    expect(await two.due(1010, 10)).toEqual([d]);
  });

  it('keeps conversation ids out of key names', async () => {
    const client = await connectAdmin(redis.url);
    clients.push(client);
    await client.flushDb();
    const q = new RedisWebhookQueue(client);
    const d = delivery('call:4111111111111111');
    await q.push(d);
    expect((await client.keys('*')).filter((k) => k.includes('4111111111111111') || k.includes('call:'))).toEqual([]);
    expect(await q.due(10, 10)).toEqual([d]);
    await q.delivered(d);
    expect(await q.pending()).toBe(0);
  });
});
