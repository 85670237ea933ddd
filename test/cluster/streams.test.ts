import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Turn } from '../../server/domain/turn.ts';
import { RedisStreamQueue, shardOf, type RedisQueueOptions, type TurnHandler } from '../../server/queue/index.ts';
import { connectRedis, isRedisUnavailable, type RedisClient } from '../../server/redis/index.ts';
import { connectAdmin, startRedis, type TestRedis } from '../support/redis.ts';
import { turnOf } from '../support/turns.ts';

/** The Redis turn queue on a real redis-server: order, failover, duplicates and poison turns. */

let redis: TestRedis;
let admin: RedisClient;
const opened: { queue: RedisStreamQueue; clients: RedisClient[] }[] = [];
const fast: Partial<RedisQueueOptions> = { shards: 8, leaseMs: 1000, blockMs: 100, batch: 16 };

beforeAll(async () => {
  redis = await startRedis();
  admin = await connectAdmin(redis.url);
});
afterAll(async () => {
  admin?.destroy();
  await redis?.stop();
});
beforeEach(async () => {
  await admin.flushDb();
});
afterEach(async () => {
  for (const { queue, clients } of opened.splice(0)) {
    await queue.close().catch(() => {});
    for (const c of clients) if (c.isOpen) c.destroy();
  }
});

async function queue(options: Partial<RedisQueueOptions> = {}): Promise<{ queue: RedisStreamQueue; clients: RedisClient[] }> {
  const clients = [await connectRedis(redis.url, 'test'), await connectRedis(redis.url, 'test-reader')];
  const q = new RedisStreamQueue(clients[0]!, clients[1]!, pino({ level: 'silent' }), { ...fast, ...options });
  opened.push({ queue: q, clients });
  return { queue: q, clients };
}

/** What the pipeline does with a turn, reduced to bookkeeping: applied once per turn id, in order. */
class Ledger {
  readonly applied = new Map<string, string[]>();
  calls = 0;
  redelivered = 0;
  handler: TurnHandler = async (turn, _acceptedAt, redelivered) => {
    this.calls++;
    if (redelivered) this.redelivered++;
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    const list = this.applied.get(turn.conversationId) ?? [];
    if (!list.includes(turn.turnId)) this.applied.set(turn.conversationId, [...list, turn.turnId]);
  };
  get total(): number {
    return [...this.applied.values()].reduce((n, l) => n + l.length, 0);
  }
}

function conversationTurns(conversations: number, perConversation: number): Turn[] {
  const turns: Turn[] = [];
  for (let t = 0; t < perConversation; t++) {
    for (let c = 0; c < conversations; c++) turns.push(turnOf('customer', `turn ${t}`, { conversationId: `conv-${c}`, turnId: `conv-${c}-t${t}` }));
  }
  return turns;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectInOrderOnce(ledger: Ledger, turns: Turn[]): void {
  const expected = new Map<string, string[]>();
  for (const t of turns) expected.set(t.conversationId, [...(expected.get(t.conversationId) ?? []), t.turnId]);
  expect(Object.fromEntries(ledger.applied)).toEqual(Object.fromEntries(expected));
}

describe('Redis turn queue', () => {
  it('keeps each conversation in order with three workers sharing the shards', async () => {
    const ledger = new Ledger();
    const workers = [await queue(), await queue(), await queue()];
    for (const w of workers) await w.queue.start(ledger.handler);
    const turns = conversationTurns(20, 15);
    // Each turn enqueued through a different worker than the one before it.
    for (const [i, t] of turns.entries()) expect(await workers[i % 3]!.queue.enqueue(t, Date.now())).toEqual({ duplicate: false });
    await until('every turn applied', () => ledger.total === turns.length);
    expectInOrderOnce(ledger, turns);
    expect(ledger.calls).toBe(turns.length);
    // The shards were shared, not all taken by the first worker to start.
    await until('shards balanced', async () => (await Promise.all(workers.map(async (w) => (await w.queue.stats()).owned))).every((n) => n > 0 && n <= 3));
  });

  it('answers a resent turn as a duplicate and applies it once', async () => {
    const ledger = new Ledger();
    const { queue: q } = await queue();
    await q.start(ledger.handler);
    const turn = turnOf('customer', 'hello', { conversationId: 'dup', turnId: 'dup-1' });
    expect(await q.enqueue(turn, 1)).toEqual({ duplicate: false });
    expect(await q.enqueue(turn, 2)).toEqual({ duplicate: true });
    await until('the turn applied', () => ledger.total === 1);
    expect(ledger.calls).toBe(1);
  });

  it('hands a dead worker’s pending turns to another worker, in order', async () => {
    const doomed = await queue();
    const hung: (() => void)[] = [];
    let stuck = 0;
    let released = false;
    // The doomed worker takes turns and does not finish them before it loses its connections: a crash.
    await doomed.queue.start(() => {
      if (released) return Promise.resolve();
      stuck++;
      return new Promise<void>((resolve) => hung.push(resolve));
    });
    const turns = conversationTurns(10, 5);
    for (const t of turns) await doomed.queue.enqueue(t, Date.now());
    await until('the doomed worker holding turns', () => stuck > 0);
    for (const c of doomed.clients) c.destroy();

    const ledger = new Ledger();
    const survivor = await queue();
    await survivor.queue.start(ledger.handler);
    await until('every turn applied by the survivor', () => ledger.total === turns.length);
    expectInOrderOnce(ledger, turns);
    expect(ledger.redelivered).toBeGreaterThanOrEqual(stuck);
    await until('nothing left pending', async () => {
      const pending = await Promise.all(Array.from({ length: 8 }, (_, s) => admin.xPending(`rapport:turns:${s}`, 'scorers')));
      return pending.every((p) => p.pending === 0);
    });
    // Let the doomed worker's handlers return, so that it can be closed.
    released = true;
    for (const finish of hung) finish();
  });

  it('settles: waits until the turns queued before it are processed, by whichever worker', async () => {
    const ledger = new Ledger();
    const slow: TurnHandler = async (turn, acceptedAt, redelivered) => {
      await new Promise((r) => setTimeout(r, 50));
      await ledger.handler(turn, acceptedAt, redelivered);
    };
    const scorer = await queue();
    const front = await queue();
    await scorer.queue.start(slow);
    // `front` is never started: it only accepts, like a process that holds none of the shards.
    const turns = conversationTurns(1, 8);
    for (const t of turns) await front.queue.enqueue(t, Date.now());
    expect(await front.queue.settle('conv-0')).toBe(true);
    expect(ledger.applied.get('conv-0')).toEqual(turns.map((t) => t.turnId));
    expect(await front.queue.settle('conv-never-seen')).toBe(true);
  });

  it('sets a turn that keeps failing aside and goes on with the rest', async () => {
    const ledger = new Ledger();
    const { queue: q } = await queue({ maxAttempts: 2 });
    await q.start(async (turn, acceptedAt, redelivered) => {
      if (turn.turnId === 'poison') throw new Error('cannot score this');
      await ledger.handler(turn, acceptedAt, redelivered);
    });
    await q.enqueue(turnOf('customer', 'a', { conversationId: 'p', turnId: 'before' }), 1);
    await q.enqueue(turnOf('customer', 'b', { conversationId: 'p', turnId: 'poison' }), 1);
    await q.enqueue(turnOf('customer', 'c', { conversationId: 'p', turnId: 'after' }), 1);
    await until('the turns around the poison applied', () => ledger.total === 2);
    expect(ledger.applied.get('p')).toEqual(['before', 'after']);
    const dead = await admin.xRange('rapport:turns:dead', '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.message.turn).toContain('"turnId":"poison"');
  });

  it('refuses to join a deployment that uses another number of shards', async () => {
    const ledger = new Ledger();
    await (await queue({ shards: 8 })).queue.start(ledger.handler);
    await expect((await queue({ shards: 4 })).queue.start(ledger.handler)).rejects.toThrow(/--stream-shards 8/);
  });

  it('tells apart turns whose ids join alike, and keeps ids out of key names', async () => {
    const ledger = new Ledger();
    const { queue: q } = await queue();
    await q.start(ledger.handler);
    // Joined with ':' both would be "order:1:x:t1": the second used to be answered as a duplicate and dropped.
    expect(await q.enqueue(turnOf('customer', 'a', { conversationId: 'order:1:x', turnId: 't1' }), 1)).toEqual({ duplicate: false });
    expect(await q.enqueue(turnOf('customer', 'b', { conversationId: 'order:1', turnId: 'x:t1' }), 1)).toEqual({ duplicate: false });
    expect(await q.enqueue(turnOf('customer', 'c', { conversationId: 'card-4111111111111111', turnId: '5550100' }), 1)).toEqual({ duplicate: false });
    await until('the three turns applied', () => ledger.total === 3);
    expect(ledger.applied.get('order:1:x')).toEqual(['t1']);
    expect(ledger.applied.get('order:1')).toEqual(['x:t1']);
    const keys = await admin.keys('*');
    for (const raw of ['order:1', 'x:t1', '4111111111111111', '5550100']) expect(keys.filter((k) => k.includes(raw)), raw).toEqual([]);
  });

  it('refuses turns at once while Redis is down, and processes every turn it accepted once Redis is back', async () => {
    const ledger = new Ledger();
    const slow: TurnHandler = async (turn, acceptedAt, redelivered) => {
      await new Promise((r) => setTimeout(r, 20));
      await ledger.handler(turn, acceptedAt, redelivered);
    };
    const { queue: q } = await queue();
    await q.start(slow);
    const turns = conversationTurns(4, 10);
    for (const t of turns) await q.enqueue(t, Date.now());
    await redis.kill();
    const asked = Date.now();
    const refusal: unknown = await q.enqueue(turnOf('customer', 'late', { conversationId: 'late' }), 1).then(() => undefined, (error: unknown) => error);
    expect(isRedisUnavailable(refusal)).toBe(true);
    expect(Date.now() - asked).toBeLessThan(2000);
    await redis.restart();
    await until('every accepted turn applied', () => ledger.total === turns.length);
    expectInOrderOnce(ledger, turns);
  });

  it('counts pending and unread entries after redis-server restarts, not the group lag', async () => {
    // Another worker holds every shard and has read 10 entries and acknowledged 5 of them, then trimmed.
    for (let s = 0; s < 8; s++) await admin.set(`rapport:shard:${s}:owner`, 'elsewhere', { PX: 120_000 });
    const { queue: front } = await queue();
    await front.start(async () => {});
    const turns = Array.from({ length: 30 }, (_, i) => turnOf('customer', `t${i}`, { conversationId: 'one', turnId: `t${i}` }));
    for (const t of turns) await front.enqueue(t, 1);
    const key = `rapport:turns:${shardOf('one', 8)}`;
    const read = (await admin.xReadGroup('scorers', 'elsewhere', { key, id: '>' }, { COUNT: 10 })) as { messages: { id: string }[] }[];
    const ids = read[0]!.messages.map((m) => m.id);
    await admin.xAck(key, 'scorers', ids.slice(0, 5));
    await admin.xTrim(key, 'MINID', ids[5]!);
    await until('5 pending and 20 unread measured', () => front.backlog === 25, 5000);
    await redis.kill();
    await redis.restart();
    // Redis forgets the group's entries-read counter on a restart: XINFO's lag is then null or stale.
    const stats = async () => (await front.stats()).shards.find((s) => s.length > 0);
    await until('measured again after the restart', async () => (await stats())?.length === 25, 10_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(await stats()).toMatchObject({ pending: 5, lag: 20 });
    expect(front.backlog).toBe(25);
  });
});

