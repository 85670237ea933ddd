import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Refusal } from '../../server/contract/index.ts';
import { connectAs, nextEvent, startRapport, tokenFor } from '../support/server.ts';

/**
 * The hardening of issue 12 over HTTP and sockets on one real server: one refusal shape everywhere,
 * bounded input, JSON 404s, revocation, and connection-state recovery that only its owner gets.
 */

let rapport: Rapport;
let ingest: string;
let supervisor: string;
const sockets: Socket[] = [];

async function call(method: string, route: string, token?: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${rapport.url}${route}`, {
    method,
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json as any, headers: res.headers };
}

/** The one shape: ok false, a code, a message a person can read, and the fields when there are some. */
function expectRefusal(body: unknown, code: Refusal['code']): void {
  expect(body).toMatchObject({ ok: false, code, message: expect.any(String) });
  expect((body as Refusal).message.length).toBeGreaterThan(3);
  for (const e of (body as Refusal).errors ?? []) expect(e).toEqual({ field: expect.any(String), message: expect.any(String) });
}

beforeAll(async () => {
  rapport = await startRapport();
  ingest = await tokenFor(rapport, 'ingest', 'bridge');
  supervisor = await tokenFor(rapport, 'supervisor', 'sam');
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await rapport?.close();
});

describe('one refusal shape', () => {
  it('answers every HTTP error with { ok: false, code, message, errors? }', async () => {
    const agent = await tokenFor(rapport, 'agent', 'alice');
    await call('POST', '/api/turns', ingest, { conversationId: 'shape-1', speaker: 'customer', text: 'hello', agentId: 'bob' });
    // Stored before it is asked for: the 403 below is about whose conversation it is, not a race with scoring.
    await rapport.pipeline.idle();
    const cases: [Awaited<ReturnType<typeof call>>, Refusal['code'], number][] = [
      [await call('GET', '/api/conversations?limit=abc', agent), 'invalid', 400],
      [await call('GET', '/api/conversations'), 'unauthorized', 401],
      [await call('GET', '/api/conversations', 'forged'), 'unauthorized', 401],
      [await call('POST', '/api/turns', agent, {}), 'forbidden', 403],
      [await call('GET', '/api/conversations/shape-1', agent), 'forbidden', 403],
      [await call('GET', '/api/conversations/nope', agent), 'not_found', 404],
      [await call('POST', '/api/alerts/nope/ack', supervisor), 'not_found', 404],
      [await call('PUT', '/api/conversations/shape-1/note', supervisor, { note: 42 }), 'invalid', 400],
      [await call('POST', '/api/qa/samples', supervisor, { from: 'x' }), 'invalid', 400],
      [await call('POST', '/api/conversations/shape-1/swap-roles', supervisor), 'conflict', 409],
      [await call('POST', '/api/ingest/nope', ingest, 'x', 'text/plain'), 'not_found', 404],
      [await call('POST', '/api/turns', ingest, '{"bad json'), 'invalid', 400],
      [await call('POST', '/api/turns', ingest, { conversationId: 'shape-2', speaker: 'robot', text: 'hi' }), 'invalid', 400],
      [await call('POST', '/api/turns', ingest, [{ conversationId: 'shape-2', speaker: 'robot', text: 'hi' }]), 'invalid', 400],
      [await call('POST', '/api/turns', ingest, JSON.stringify([{ text: 'z'.repeat(5_000_000) }])), 'too_large', 413],
      [await call('GET', '/api/no-such-route', agent), 'not_found', 404],
      [await call('DELETE', '/api/turns', ingest), 'not_found', 404],
      [await call('GET', '/no/such/page'), 'not_found', 404],
    ];
    for (const [res, code, status] of cases) {
      expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expectRefusal(res.body, code);
    }
    // Field errors name the field, and the message carries them for a screen to show.
    const invalid = cases[12]![0].body as Refusal;
    expect(invalid.errors).toEqual([{ field: 'speaker', message: 'must be "customer" or "agent"' }]);
    expect(invalid.message).toContain('speaker: must be "customer" or "agent"');
  });

  it('answers socket acks with the same shape', async () => {
    const sup = await connectAs(rapport, '/supervisor', supervisor);
    sockets.push(sup);
    expectRefusal(await sup.emitWithAck('whisper', { conversationId: 'nope', text: 'hello' }), 'not_found');
    const invalid = (await sup.emitWithAck('whisper', { conversationId: 'shape-1', text: 'x'.repeat(1001) })) as Refusal;
    expectRefusal(invalid, 'invalid');
    expect(invalid.errors).toEqual([{ field: 'text', message: 'must be at most 1000 characters' }]);
  });
});

describe('bounded input', () => {
  const turn = { conversationId: 'bound-1', speaker: 'customer', text: 'hello' };

  it('refuses a time far in the future or before 2000, and text of only invisible characters', async () => {
    const future = await call('POST', '/api/turns', ingest, { ...turn, at: Date.now() + 2 * 86_400_000 });
    expectRefusal(future.body, 'invalid');
    expect(future.body.errors[0].field).toBe('at');
    const huge = await call('POST', '/api/turns', ingest, { ...turn, at: 8.64e15 });
    expect(huge.body.errors[0].field).toBe('at');
    for (const at of [0, 946_684_799_999, '1999-12-31T23:59:59Z']) {
      const early = await call('POST', '/api/turns', ingest, { ...turn, at });
      expect(early.status, String(at)).toBe(400);
      expect(early.body.errors).toEqual([{ field: 'at', message: 'must not be before 2000-01-01' }]);
    }
    for (const text of ['\u200b', '\u200b\u200c\u200d\u2060\ufeff', ' \u200b \u00a0 ']) {
      const blank = await call('POST', '/api/turns', ingest, { ...turn, text });
      expect(blank.status).toBe(400);
      expect(blank.body.errors[0]).toMatchObject({ field: 'text', message: expect.stringContaining('invisible') });
    }
    expect((await call('POST', '/api/turns', ingest, { ...turn, at: Date.now() - 60_000 })).status).toBe(202);
    // A summary of what was accepted still renders.
    await rapport.pipeline.idle();
    expect((await call('GET', '/api/conversations/bound-1/summary', supervisor)).status).toBe(200);
  });

  it('holds adapter routes to the 500-turn cap, and groups a 40,000-line upload without stalling', async () => {
    const line = (i: number) => JSON.stringify({ conversationId: `cap-${i % 3}`, turnId: `t${i}`, speaker: i % 2 ? 'agent' : 'customer', text: `line ${i}` });
    const over = await call('POST', '/api/ingest/jsonl', ingest, Array.from({ length: 501 }, (_, i) => line(i)).join('\n'), 'application/x-ndjson');
    expect(over.status).toBe(400);
    expectRefusal(over.body, 'invalid');
    expect(over.body.message).toMatch(/501 turns .* at most 500/);
    const big = await call('POST', '/api/ingest/jsonl', ingest, Array.from({ length: 40_000 }, (_, i) => line(i)).join('\n'), 'application/x-ndjson');
    expect(big.status).toBe(400);
    expect(await rapport.store.get('cap-0')).toBeUndefined();
    const within = await call('POST', '/api/ingest/jsonl', ingest, Array.from({ length: 500 }, (_, i) => line(i)).join('\n'), 'application/x-ndjson');
    expect(within.status).toBe(202);
  }, 60_000);
});

describe('revocation', () => {
  it('signs a token out, over HTTP and sockets, closing its open sockets; a supervisor may revoke another one', async () => {
    const token = await tokenFor(rapport, 'agent', 'rita');
    expect((await call('GET', '/api/me', token)).status).toBe(200);
    const open = await connectAs(rapport, '/agent', token);
    sockets.push(open);
    const closed = new Promise((resolve) => open.once('disconnect', resolve));
    const out = await call('POST', '/api/tokens/revoke', token, {});
    await closed;
    expect(out.body).toMatchObject({ ok: true });
    const after = await call('GET', '/api/me', token);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/revoked/);
    await expect(connectAs(rapport, '/agent', token)).rejects.toThrow(/revoked/);

    const other = await tokenFor(rapport, 'agent', 'ravi');
    const { tokenId } = (await call('GET', '/api/me', other)).body;
    expect((await call('POST', '/api/tokens/revoke', await tokenFor(rapport, 'agent', 'rita'), { jti: tokenId })).status).toBe(403);
    expect((await call('POST', '/api/tokens/revoke', supervisor, { jti: tokenId })).status).toBe(200);
    expect((await call('GET', '/api/me', other)).status).toBe(401);
  });
});

describe('token expiry', () => {
  it('closes a socket when its token expires, and will not open it again', async () => {
    const token = await rapport.tokens.issue({ id: 'brief', role: 'agent' }, '2s');
    const socket = await connectAs(rapport, '/agent', token);
    sockets.push(socket);
    await new Promise((resolve) => socket.once('disconnect', resolve));
    await expect(connectAs(rapport, '/agent', token)).rejects.toThrow(/expired/);
  });
});

describe('connection-state recovery', () => {
  /** An agent's socket that received one event (so it has an offset), then lost its transport. */
  async function droppedSession(agentId: string, conversationId: string) {
    const socket = await connectAs(rapport, '/agent', await tokenFor(rapport, 'agent', agentId));
    const first = nextEvent(socket, 'turn');
    await call('POST', '/api/turns', ingest, { conversationId, turnId: 'r1', speaker: 'agent', text: 'Hello, how can I help?', agentId });
    await first;
    const { _pid: pid, _lastOffset: offset } = socket as unknown as { _pid: string; _lastOffset: string };
    expect(pid).toBeTruthy();
    socket.io.engine.close();
    await new Promise((r) => setTimeout(r, 100));
    // Sent while the agent is away: a missed event the session holds.
    await call('POST', '/api/turns', ingest, { conversationId, turnId: 'r2', speaker: 'customer', text: 'My card number is not working.', agentId });
    await rapport.pipeline.idle();
    return { pid, offset };
  }

  /** Connects as the dropped client would, with its session id and offset; resolves with what arrived on the wire and how it ended. */
  async function claim(namespace: string, session: { pid: string; offset: string }, token?: string) {
    const socket = connect(`${rapport.url}${namespace}`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, autoConnect: false, forceNew: true });
    Object.assign(socket, { _pid: session.pid, _lastOffset: session.offset });
    socket.connect();
    sockets.push(socket);
    const wire: string[] = [];
    socket.io.on('open', () => socket.io.engine.on('packet', (p: { data?: unknown }) => wire.push(String(p.data ?? ''))));
    const outcome = await new Promise<{ connected: boolean; recovered?: boolean; error?: string }>((resolve) => {
      socket.once('connect', () => resolve({ connected: true, recovered: socket.recovered }));
      socket.once('connect_error', (e) => resolve({ connected: false, error: e.message }));
    });
    await new Promise((r) => setTimeout(r, 200));
    return { ...outcome, wire: wire.join('\n'), socket };
  }

  it('refuses a session claimed without a token, by another agent, or on another namespace, and leaks none of its events', async () => {
    const a = await droppedSession('rec-alice', 'rec-1');
    const noToken = await claim('/agent', a);
    expect(noToken).toMatchObject({ connected: false, error: expect.stringMatching(/sign-in required/) });
    expect(noToken.wire).not.toContain('card number');

    const b = await droppedSession('rec-alice', 'rec-2');
    const otherAgent = await claim('/agent', b, await tokenFor(rapport, 'agent', 'rec-mallory'));
    expect(otherAgent).toMatchObject({ connected: false, error: expect.stringMatching(/another sign-in/) });
    expect(otherAgent.wire).not.toContain('card number');

    const c = await droppedSession('rec-alice', 'rec-3');
    const otherNamespace = await claim('/supervisor', c, supervisor);
    expect(otherNamespace.connected).toBe(true);
    // Namespaces keep their own sessions in memory: nothing of the agent's comes back on /supervisor.
    expect(otherNamespace.recovered).toBe(false);
    expect(otherNamespace.wire).not.toContain('card number');
  });

  it('gives its owner the session back, with the events missed meanwhile', async () => {
    const token = await tokenFor(rapport, 'agent', 'rec-owner');
    const own = await claim('/agent', await droppedSession('rec-owner', 'rec-4'), token);
    expect(own).toMatchObject({ connected: true, recovered: true });
    expect(own.wire).toContain('card number');
  });
});
