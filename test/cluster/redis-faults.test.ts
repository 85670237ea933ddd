import { spawn } from 'node:child_process';
import { createClient } from 'redis';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../server/auth/tokens.ts';
import { ROOT } from '../../server/config.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { MODEL_ARGS, TEST_SECRET } from '../support/server.ts';
import { RapportProcess, until } from './processes.ts';

/** A Rapport process when Redis is not there: at start-up, while it is down, and when stopped meanwhile. */

const tokens = new TokenService(TEST_SECRET);

describe('Rapport when Redis is unreachable', () => {
  it('exits non-zero within seconds, naming the URL, when Redis is not there at start-up', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const args = ['--import', 'tsx', 'server/main.ts', '--redis', url, '--port', '0', '--secret', TEST_SECRET, ...MODEL_ARGS];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 20_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, stderr).not.toBeNull();
    expect(code).not.toBe(0);
    expect(stderr).toContain(`rapport: cannot reach Redis at ${url}`);
  }, 30_000);
});

describe('Rapport on Redis: outages and keys', () => {
  let redis: TestRedis;
  let rapport: RapportProcess;
  beforeAll(async () => {
    redis = await startRedis();
    rapport = new RapportProcess('rapport', await freePort(), redis.url);
    await rapport.start();
  }, 180_000);
  afterAll(async () => {
    await rapport?.kill();
    await redis?.stop();
  });

  const post = async (body: unknown) =>
    fetch(`${rapport.url}/api/turns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens.issue({ id: 'feed', role: 'ingest' })}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });

  it('answers ingest and reads with 503 unavailable and Retry-After within 2 s, then serves again', async () => {
    const before = { conversationId: 'fault-1', turnId: 'fault-1-t0', speaker: 'customer', text: 'My order never arrived.', agentId: 'ann' };
    expect((await post(before)).status).toBe(202);
    await redis.kill();

    let asked = Date.now();
    const ingest = await post({ ...before, turnId: 'fault-1-t1', text: 'Hello?' });
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(ingest.status).toBe(503);
    expect(ingest.headers.get('retry-after')).toBe('2');
    expect(await ingest.json()).toMatchObject({ ok: false, code: 'unavailable', message: expect.any(String) });

    asked = Date.now();
    const agent = `Bearer ${await tokens.issue({ id: 'ann', role: 'agent' })}`;
    const read = await fetch(`${rapport.url}/api/conversations`, { headers: { authorization: agent }, signal: AbortSignal.timeout(10_000) });
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBe('2');
    expect(await read.json()).toMatchObject({ ok: false, code: 'unavailable' });

    // A screen connecting meanwhile (its snapshot read fails) does not take the process down.
    const socket = connect(`${rapport.url}/agent`, { auth: { token: agent.slice('Bearer '.length) }, transports: ['websocket'], reconnection: false });
    await new Promise((r) => setTimeout(r, 1000));
    socket.disconnect();
    expect(rapport.alive).toBe(true);

    await redis.restart();
    // The turn accepted before the outage is scored; the refused one, resent, is accepted.
    await until('ingest accepted again', async () => (await post({ ...before, turnId: 'fault-1-t1', text: 'Hello?' })).status === 202, 20_000);
    await until('both turns stored', async () => {
      const r = await fetch(`${rapport.url}/api/conversations/fault-1`, { headers: { authorization: agent } });
      return r.ok && ((await r.json()) as { turns: unknown[] }).turns.length === 2;
    });
  }, 60_000);

  it('keeps turns whose ids join alike apart, and raw ids out of key names', async () => {
    // Joined with ':' both are "order:1:x:t1": the second used to be answered as a duplicate and never stored.
    const first = await post({ conversationId: 'order:1:x', turnId: 't1', speaker: 'customer', text: 'Where is my parcel?', agentId: 'agent-5550100' });
    const second = await post({ conversationId: 'order:1', turnId: 'x:t1', speaker: 'customer', text: 'My card 4111 is fine.', agentId: 'agent-5550100' });
    expect(await first.json()).toMatchObject({ ok: true, duplicate: false });
    expect(await second.json()).toMatchObject({ ok: true, duplicate: false });
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      await until('both conversations stored', async () => (await admin.zCard('rapport:conversations')) >= 3);
      const keys = await admin.keys('*');
      for (const raw of ['order:1', 'x:t1', 'fault-1', '5550100']) expect(keys.filter((k) => k.includes(raw)), raw).toEqual([]);
    } finally {
      admin.destroy();
    }
  }, 30_000);

  it('exits within 10 s on SIGTERM while Redis is down', async () => {
    await redis.kill();
    // Long enough for every connection to have noticed.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await rapport.signal('SIGTERM', 10_000)).toBeLessThan(10_000);
    await redis.restart();
  }, 30_000);
});
