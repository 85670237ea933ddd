import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../server/auth/tokens.ts';
import type { ScoredTurn } from '../../server/domain/turn.ts';
import { RapportProcess, until } from '../cluster/processes.ts';
import { freePort } from '../support/redis.ts';
import { TEST_SECRET } from '../support/server.ts';

/**
 * Hostile socket input against a real Rapport process (its own process, in memory, so a crash is a
 * dead process rather than a test-runner error): every inbound event of every namespace, sent without
 * an ack, with the ack alone, with wrong types, objects where strings belong, arrays, nulls, a
 * payload of 1.5 MB, extra arguments. The process must live, every ack must be the refusal shape, and
 * a valid turn must still be scored and reach its agent.
 */

const tokens = new TokenService(TEST_SECRET);
const EVENTS: Record<string, string[]> = {
  '/agent': ['prompt:feedback'],
  '/supervisor': ['alert:ack', 'alert:assign', 'whisper', 'watch', 'unwatch'],
  '/ingest': ['turn', 'conversation:end'],
};
const HUGE = 'x'.repeat(1_500_000);
const evil = { toString: 1, valueOf: 1 };
const PAYLOADS: unknown[] = [
  undefined,
  null,
  42,
  'text',
  true,
  [],
  [1, 2, 3],
  {},
  { conversationId: evil },
  { conversationId: evil, text: evil, alertId: evil, to: evil, promptId: evil, feedback: evil },
  { conversationId: 42, text: 42, alertId: 42, to: 42, promptId: 42, feedback: 42 },
  { conversationId: ['a'], text: ['b'], alertId: ['c'], to: ['d'] },
  { conversationId: 'fz-1', text: HUGE },
  { alertId: HUGE, to: 'sam' },
  { conversationId: 'fz-1', text: '\u200b\u200b\u2060', to: '   ' },
  { conversationId: 'fz-1', promptId: 'p', feedback: { $set: 'used' } },
  { conversationId: 'fz-1', speaker: 'customer', text: 'hi', at: 8.64e15 },
  { __proto__: { polluted: true }, conversationId: 'fz-1' },
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'),
];

function open(url: string, namespace: string, token: string): Promise<Socket> {
  const socket = connect(`${url}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('socket handlers under hostile input', () => {
  let server: RapportProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // The preload leaves a promise rejected with nobody awaiting it whenever the process gets SIGUSR2.
    server = new RapportProcess('fuzz', await freePort(), undefined, [], { NODE_OPTIONS: `--import ${path.join(import.meta.dirname, '..', 'support', 'reject-on-signal.mjs')}` });
    await server.start();
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.stop();
  });

  it('survive every event with missing acks, wrong types, objects for strings and huge payloads; a valid turn is then scored', async () => {
    const tokenOf: Record<string, string> = {
      '/agent': await tokens.issue({ id: 'fz-agent', role: 'agent' }),
      '/supervisor': await tokens.issue({ id: 'fz-sup', role: 'supervisor' }),
      '/ingest': await tokens.issue({ id: 'fz-bridge', role: 'ingest' }),
    };
    let replies = 0;
    for (const [namespace, events] of Object.entries(EVENTS)) {
      const socket = await open(server.url, namespace, tokenOf[namespace]!);
      sockets.push(socket);
      for (const event of events) {
        // No ack: nothing may throw for want of one.
        socket.emit(event);
        for (const payload of PAYLOADS) socket.emit(event, payload);
        socket.emit(event, 'a', 'b', 'c', 'd');
        // The ack alone, in the payload's place.
        if (event !== 'unwatch') {
          const alone = await socket.timeout(10_000).emitWithAck(event);
          expect(alone, `${namespace} ${event} with only an ack`).toMatchObject({ ok: false, code: 'invalid', message: expect.any(String) });
          for (const payload of PAYLOADS) {
            const reply = (await socket.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; code?: string; message?: string };
            expect(reply.ok, `${namespace} ${event} ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(false);
            expect(typeof reply.code).toBe('string');
            expect(reply.message!.length).toBeGreaterThan(0);
            replies++;
          }
        }
      }
      expect(server.alive, `alive after ${namespace}`).toBe(true);
    }
    expect(replies).toBe(PAYLOADS.length * 7);

    // Over socket.io's buffer limit (2 MB) the connection is dropped; only that one.
    const flooder = await open(server.url, '/ingest', tokenOf['/ingest']!);
    const dropped = new Promise((resolve) => flooder.once('disconnect', resolve));
    flooder.emit('turn', { conversationId: 'fz-1', speaker: 'customer', text: 'y'.repeat(3_000_000) });
    await dropped;
    expect(server.alive).toBe(true);

    // Still serving: a valid turn is accepted, scored, and reaches its agent.
    const agent = await open(server.url, '/agent', tokenOf['/agent']!);
    sockets.push(agent);
    const scored = new Promise<ScoredTurn>((resolve) => agent.on('turn', (e: { conversationId: string; turn: ScoredTurn }) => e.conversationId === 'fz-valid' && resolve(e.turn)));
    const ingest = sockets[2]!;
    const accepted = await ingest.emitWithAck('turn', { conversationId: 'fz-valid', speaker: 'customer', text: 'This is still broken and I am upset.', agentId: 'fz-agent' });
    expect(accepted).toMatchObject({ ok: true });
    expect((await scored).score.label).toMatch(/^(negative|neutral|positive)$/);
    // A valid turn without an ack is taken too.
    const unacked = new Promise<ScoredTurn>((resolve) => agent.on('turn', (e: { turn: ScoredTurn }) => e.turn.turnId === 'no-ack' && resolve(e.turn)));
    ingest.emit('turn', { conversationId: 'fz-valid', turnId: 'no-ack', speaker: 'agent', text: 'I am sorry, let me fix that now.', agentId: 'fz-agent' });
    expect((await unacked).speaker).toBe('agent');
    await until('health after the storm', async () => (await fetch(`${server.url}/healthz`)).ok, 10_000);
    expect(server.alive).toBe(true);
  }, 180_000);

  it('logs an unhandled rejection loudly and keeps serving', async () => {
    process.kill(server.pid!, 'SIGUSR2');
    await until('the rejection logged', () => server.log.includes('unhandled promise rejection'), 10_000);
    expect(server.log).toContain('a promise nobody awaited');
    await new Promise((r) => setTimeout(r, 500));
    expect(server.alive).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true);
  });

  it('refuses the root namespace', async () => {
    await expect(open(server.url, '/', await tokens.issue({ id: 'fz-sup', role: 'supervisor' }))).rejects.toThrow(/connect to \/agent, \/supervisor or \/ingest/);
  });
});
