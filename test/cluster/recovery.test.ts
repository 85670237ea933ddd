import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';
import { createClient } from 'redis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService, type Role } from '../../server/auth/tokens.ts';
import type { ConversationSummary, ConversationView } from '../../server/domain/conversation.ts';
import type { Prompt } from '../../server/domain/prompt.ts';
import type { TurnEvent } from '../../server/contract/index.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { TEST_SECRET } from '../support/server.ts';
import { RapportProcess, until } from './processes.ts';

/**
 * Connection-state recovery and resync on a real Redis with two real Rapport processes: a session
 * comes back only to its owner on its own namespace, and a client whose process was SIGKILLed gets
 * everything it missed from the snapshot the surviving process sends when it reconnects.
 */

const tokens = new TokenService(TEST_SECRET);
const token = (role: Role, id: string) => tokens.issue({ id, role, name: id });

/** A TCP load balancer in front of the processes: the test points it at another one when one dies. */
async function balancer(target: { port: number }): Promise<{ port: number; close(): void }> {
  const open = new Set<TcpSocket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(target.port, '127.0.0.1');
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.pipe(upstream).pipe(client);
    for (const s of [client, upstream]) s.on('error', end).on('close', end);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    close() {
      for (const s of open) s.destroy();
      server.close();
    },
  };
}

describe('recovery and resync across processes on Redis', () => {
  let redis: TestRedis;
  let a: RapportProcess;
  let b: RapportProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = [new RapportProcess('rapport-a', await freePort(), redis.url), new RapportProcess('rapport-b', await freePort(), redis.url)];
    await Promise.all([a.start(), b.start()]);
  }, 240_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  async function send(to: RapportProcess, turn: { conversationId: string; turnId: string; speaker: 'customer' | 'agent'; text: string; agentId: string }) {
    const res = await fetch(`${to.url}/api/turns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('ingest', 'bridge')}` },
      body: JSON.stringify(turn),
    });
    expect(res.status).toBe(202);
  }

  async function conversation(via: RapportProcess, id: string): Promise<ConversationView | undefined> {
    const res = await fetch(`${via.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${await token('supervisor', 'sam')}` } });
    return res.ok ? ((await res.json()) as ConversationView) : undefined;
  }

  /** An agent's session on process A that got one event, then lost its transport while another was sent. */
  async function droppedSession(agentId: string, conversationId: string): Promise<{ pid: string; offset: string }> {
    const socket = connect(`${a.url}/agent`, { auth: { token: await token('agent', agentId) }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    const first = new Promise((resolve) => socket.once('turn', resolve));
    await send(b, { conversationId, turnId: 'r1', speaker: 'agent', text: 'Hello, how can I help?', agentId });
    await first;
    const { _pid: pid, _lastOffset: offset } = socket as unknown as { _pid: string; _lastOffset: string };
    socket.io.engine.close();
    await send(b, { conversationId, turnId: 'r2', speaker: 'customer', text: 'My card number is not working.', agentId });
    await until('the missed turn scored', async () => (await conversation(b, conversationId))?.turns.length === 2, 30_000);
    return { pid, offset };
  }

  /** Claims a session as the dropped client would, on process B; what came over the wire and how it ended. */
  async function claim(namespace: string, session: { pid: string; offset: string }, auth: { token?: string }) {
    const socket = connect(`${b.url}${namespace}`, { auth, transports: ['websocket'], reconnection: false, autoConnect: false, forceNew: true });
    Object.assign(socket, { _pid: session.pid, _lastOffset: session.offset });
    sockets.push(socket);
    const wire: string[] = [];
    socket.io.on('open', () => socket.io.engine.on('packet', (p: { data?: unknown }) => wire.push(String(p.data ?? ''))));
    socket.connect();
    const outcome = await new Promise<{ connected: boolean; recovered?: boolean; error?: string }>((resolve) => {
      socket.once('connect', () => resolve({ connected: true, recovered: socket.recovered }));
      socket.once('connect_error', (e) => resolve({ connected: false, error: e.message }));
    });
    await new Promise((r) => setTimeout(r, 300));
    socket.disconnect();
    return { ...outcome, leaked: wire.some((p) => p.includes('card number')) };
  }

  it('refuses cross-namespace and cross-identity recovery, and a claim without a token; gives the owner its session', async () => {
    const refusals = [
      ['/supervisor', {}, /sign-in required/],
      ['/supervisor', { token: await token('supervisor', 'sam') }, /another sign-in or namespace/],
      ['/ingest', { token: await token('ingest', 'bridge') }, /another sign-in or namespace/],
      ['/agent', { token: await token('agent', 'rc-mallory') }, /another sign-in or namespace/],
      ['/agent', {}, /sign-in required/],
    ] as const;
    for (const [i, [namespace, auth, reason]] of refusals.entries()) {
      const session = await droppedSession('rc-alice', `rc-${i}`);
      const result = await claim(namespace, session, auth);
      expect(result, `${namespace} ${JSON.stringify(Object.keys(auth))}`).toMatchObject({ connected: false, error: expect.stringMatching(reason), leaked: false });
    }
    const own = await claim('/agent', await droppedSession('rc-alice', 'rc-own'), { token: await token('agent', 'rc-alice') });
    expect(own).toMatchObject({ connected: true, recovered: true, leaked: true });
    // The failed claims counted against this address in Redis, where every process sees them.
    const admin = createClient({ url: redis.url });
    await admin.connect();
    expect(await admin.keys('rapport:rl:failed-sign-in:*')).not.toHaveLength(0);
    expect(await admin.keys('rapport:rl:token:*')).not.toHaveLength(0);
    admin.destroy();
  }, 180_000);

  it("resyncs a client whose process was SIGKILLed: nothing sent meanwhile is missing once it reconnects elsewhere", async () => {
    const target = { port: a.port };
    const lb = await balancer(target);
    const url = `http://127.0.0.1:${lb.port}`;
    const agentId = 'rs-agent';
    const agent = connect(`${url}/agent`, { auth: { token: await token('agent', agentId) }, transports: ['websocket'], forceNew: true, reconnectionDelayMax: 1000 });
    const wall = connect(`${url}/supervisor`, { auth: { token: await token('supervisor', 'sam') }, transports: ['websocket'], forceNew: true, reconnectionDelayMax: 1000 });
    sockets.push(agent, wall);
    const seen = { turns: new Set<string>(), prompts: new Set<string>(), snapshots: 0, walls: 0, tiles: new Map<string, ConversationSummary>() };
    agent.on('turn', (e: TurnEvent) => seen.turns.add(e.turn.turnId));
    agent.on('prompt', (p: Prompt) => seen.prompts.add(p.id));
    agent.on('snapshot', (views: ConversationView[]) => {
      seen.snapshots++;
      for (const v of views) {
        for (const t of v.turns) seen.turns.add(t.turnId);
        for (const p of v.prompts) seen.prompts.add(p.id);
      }
    });
    wall.on('wall', (tiles: ConversationSummary[]) => {
      seen.walls++;
      seen.tiles = new Map(tiles.map((t) => [t.id, t]));
    });
    wall.on('conversation:update', (tile: ConversationSummary) => seen.tiles.set(tile.id, tile));
    await until('both connected to A', () => agent.connected && wall.connected && seen.snapshots === 1, 20_000);

    const conversationId = 'rs-1';
    await send(b, { conversationId, turnId: 'rs-0', speaker: 'agent', text: 'Hello, how can I help?', agentId });
    await until('the first turn live', () => seen.turns.has('rs-0'), 20_000);

    await a.kill();
    target.port = b.port;
    const sent = ['rs-1', 'rs-2', 'rs-3'];
    await send(b, { conversationId, turnId: 'rs-1', speaker: 'customer', text: 'I want to cancel my subscription.', agentId });
    await send(b, { conversationId, turnId: 'rs-2', speaker: 'agent', text: 'I understand, let me check your account.', agentId });
    await send(b, { conversationId, turnId: 'rs-3', speaker: 'customer', text: 'This is so frustrating, nothing works.', agentId });
    // B takes over A's turn shards once A's leases run out.
    await until('every turn scored', async () => (await conversation(b, conversationId))?.turns.length === 4, 60_000);
    const stored = (await conversation(b, conversationId))!;
    expect(stored.prompts.length).toBeGreaterThan(0);

    await until('the agent back, with a fresh snapshot', () => agent.connected && seen.snapshots === 2, 30_000);
    expect(agent.recovered).toBe(false);
    await until('every turn and prompt seen', () => [...sent, 'rs-0'].every((t) => seen.turns.has(t)) && stored.prompts.every((p) => seen.prompts.has(p.id)), 10_000);
    await until('the wall sent again', () => seen.walls === 2 && wall.connected, 30_000);
    expect(wall.recovered).toBe(false);
    await until('the tile up to date', () => seen.tiles.get(conversationId)?.turnCount === 4, 10_000);
    lb.close();
  }, 180_000);
});
