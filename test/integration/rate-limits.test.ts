import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { RateLimits } from '../../server/auth/limits.ts';
import type { Refusal } from '../../server/contract/index.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { connectAs, startRapport, tokenFor } from '../support/server.ts';

/** Rate limits per token and per address, on HTTP and sockets, in memory and shared through a real Redis. */

describe('rate limits on a real server', () => {
  let rapport: Rapport;
  beforeAll(async () => {
    rapport = await startRapport(['--rate-per-token', '20', '--rate-per-address', '1000', '--failed-sign-ins', '5']);
  });
  afterAll(async () => {
    await rapport?.close();
  });

  const get = (token: string) => fetch(`${rapport.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  it('answers 429 with Retry-After once a token has spent its allowance, and only for that token', async () => {
    const token = await tokenFor(rapport, 'agent', 'busy');
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 25; i++) {
      const res = await get(token);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ ok: false, code: 'rate_limited', message: expect.stringMatching(/too many requests/), retryAfterS: expect.any(Number) });
    expect((await get(await tokenFor(rapport, 'agent', 'calm'))).status).toBe(200);
  });

  it('answers socket events over the allowance with a rate_limited refusal', async () => {
    const token = await tokenFor(rapport, 'ingest', 'flood');
    const socket = await connectAs(rapport, '/ingest', token);
    const replies: (Refusal | { ok: true })[] = [];
    for (let i = 0; i < 25; i++) replies.push(await socket.emitWithAck('turn', { conversationId: 'rl-1', turnId: `t${i}`, speaker: 'customer', text: 'hello' }));
    socket.disconnect();
    // The handshake spent one of the 20.
    expect(replies.filter((r) => r.ok)).toHaveLength(19);
    expect(replies.at(-1)).toMatchObject({ ok: false, code: 'rate_limited', retryAfterS: expect.any(Number) });
    await expect(connectAs(rapport, '/ingest', token)).rejects.toThrow(/too many requests/);
  });

  it('gives 429 to an address that keeps failing to sign in, even with a good token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(`forged-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect((await get(await tokenFor(rapport, 'agent', 'neighbour'))).status).toBe(429);
    await expect(connectAs(rapport, '/agent', await tokenFor(rapport, 'agent', 'neighbour'))).rejects.toThrow(/failed sign-ins/);
  });
});

describe('rate limits shared through Redis (node-redis)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function client() {
    const c = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
    c.on('error', () => {});
    await c.connect();
    return c;
  }

  it('counts one allowance across processes, and limits each process alone while Redis is down', async () => {
    const config = { perToken: 8, perAddress: 1000, windowS: 10, failedSignIns: 50, failureWindowS: 600 };
    const [a, b] = [await client(), await client()];
    const first = new RateLimits(config, a);
    const second = new RateLimits(config, b);
    const results: (Refusal | undefined)[] = [];
    for (let i = 0; i < 6; i++) results.push(await first.take('10.0.0.1', 'shared-token'), await second.take('10.0.0.2', 'shared-token'));
    expect(results.filter((r) => r === undefined)).toHaveLength(8);
    expect(results.at(-1)).toMatchObject({ code: 'rate_limited' });
    expect(await first.take('10.0.0.1', 'another-token')).toBeUndefined();

    await redis.kill();
    const started = Date.now();
    const offline: (Refusal | undefined)[] = [];
    for (let i = 0; i < 10; i++) offline.push(await first.take('10.0.0.1', 'offline-token'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(offline.filter((r) => r === undefined)).toHaveLength(8);
    a.destroy();
    b.destroy();
  });
});
