import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/domain/alert.ts';
import type { ConversationSummary } from '../../server/domain/conversation.ts';
import type { Prompt } from '../../server/domain/prompt.ts';
import { idSegment, type RedisClient } from '../../server/redis/index.ts';
import { DAY_MS } from '../../server/store/index.ts';
import { connectAdmin, freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { AGENTS, allScored, audit, deliver, escalationAlerts, pendingOf, plan, sendRounds, sleep, socketOn, storedConversations, token } from './load.ts';
import { RapportProcess, until } from './processes.ts';

/**
 * Scale-out end to end: real redis-server, three real Rapport processes, turns sent through all of
 * them while one is SIGKILLed and restarted, or while redis-server itself is killed and restarted.
 * Figures (turns, kills, losses, duplicates, time) are printed for the report, never asserted on.
 */

const CONVERSATIONS = 100;
const TURNS_PER_CONVERSATION = 20;

describe('scale-out on Redis with three processes', () => {
  let redis: TestRedis;
  let admin: RedisClient;
  let processes: RapportProcess[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    // It rides out the redis-server restart like the processes do.
    admin = await connectAdmin(redis.url);
    const ports = [await freePort(), await freePort(), await freePort()];
    processes = ports.map((port, i) => new RapportProcess(`rapport-${i}`, port, redis.url));
    await Promise.all(processes.map((p) => p.start()));
  }, 240_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(processes.map((p) => p.stop()));
    admin?.destroy();
    await redis?.stop();
  });

  it('scores every turn exactly once, in order, through a SIGKILL and restart of one process', async () => {
    const p = plan('k', CONVERSATIONS, TURNS_PER_CONVERSATION);
    const [a, b, victim] = processes as [RapportProcess, RapportProcess, RapportProcess];
    // Agents sit on the two processes that stay up; each collects the prompt ids it receives.
    const received = new Map<string, Set<string>>();
    for (let i = 0; i < AGENTS; i++) {
      const agentId = `k-agent-${i}`;
      const socket = await socketOn((i % 2 ? b : a).url, '/agent', await token('agent', agentId));
      sockets.push(socket);
      received.set(agentId, new Set());
      socket.on('prompt', (prompt: Prompt) => received.get(agentId)!.add(prompt.id));
    }
    // A supervisor sees each conversation's tile as it ends, with the number of turns it then had.
    const endedTiles = new Map<string, number>();
    const wall = await socketOn(b.url, '/supervisor', await token('supervisor', 'wally'));
    sockets.push(wall);
    wall.on('conversation:update', (tile: ConversationSummary) => {
      if (tile.status === 'ended' && !endedTiles.has(tile.id)) endedTiles.set(tile.id, tile.turnCount);
    });

    const started = Date.now();
    let killedAt = 0;
    let stranded = 0;
    let killed: Promise<void> | undefined;
    const counts = await sendRounds(processes, p, async (round) => {
      // Killed while round 7 is in flight: some of its requests and scoring die half-way.
      if (round === 7) {
        killed = sleep(25).then(async () => {
          killedAt = Date.now();
          const pid = victim.pid;
          await victim.kill();
          stranded = await pendingOf(admin, (consumer) => consumer.includes(`:${pid}:`));
        });
      }
      if (round === 12) {
        await killed;
        await victim.start();
      }
    });
    const sentMs = Date.now() - started;
    // Every conversation ended as soon as its last turn is acknowledged, through a process that may
    // not be the one scoring it: the end must wait for the turns still queued.
    const auth = { authorization: `Bearer ${await token('ingest', 'loadgen')}` };
    const ends = await Promise.all(
      [...p.order.keys()].map((id, i) => fetch(`${processes[i % 3]!.url}/api/conversations/${id}/end`, { method: 'POST', headers: auth }).then((r) => r.status)),
    );
    expect(ends.every((status) => status === 200)).toBe(true);
    await until('every turn scored', () => allScored(admin, p), 180_000);
    const doneMs = Date.now() - started;

    const stored = await storedConversations(admin, [...p.order.keys()]);
    const { lost, duplicated, outOfOrder, examples } = audit(stored, p);

    // Every expected escalation alert exists exactly once, on the turn that said it; no other.
    let missingAlerts = 0;
    let extraAlerts = 0;
    for (const id of p.order.keys()) {
      const alerts = escalationAlerts(stored.get(id));
      const expected = p.escalations.get(id);
      if (expected === undefined) extraAlerts += alerts.length;
      else {
        if (!alerts.some((a) => a.evidence.includes(expected))) missingAlerts++;
        extraAlerts += Math.max(0, alerts.length - 1);
      }
    }
    const allAlertIds = [...stored.values()].flatMap((c) => c.alerts.map((a) => a.id));

    // Agents on the surviving processes got every prompt of their conversations, whoever scored it.
    const expectedPrompts = new Map<string, string[]>();
    for (const c of stored.values()) expectedPrompts.set(c.agentId!, [...(expectedPrompts.get(c.agentId!) ?? []), ...c.prompts.map((x) => x.id)]);
    const missedPrompts = () => [...expectedPrompts].reduce((n, [agent, ids]) => n + ids.filter((id) => !received.get(agent)!.has(id)).length, 0);
    await until('every prompt delivered', () => missedPrompts() === 0, 30_000).catch(() => {});
    const promptTotal = [...expectedPrompts.values()].reduce((n, ids) => n + ids.length, 0);

    console.log(
      `[scale-out] turns=${CONVERSATIONS * TURNS_PER_CONVERSATION} conversations=${CONVERSATIONS} processes=3 kills=1 (SIGKILL during round 7 at ${killedAt - started} ms; restarted at round 12) ` +
        `left-pending-by-killed=${stranded} lost=${lost} duplicated=${duplicated} out-of-order-conversations=${outOfOrder} escalation-alerts=${p.escalations.size} missing=${missingAlerts} extra=${extraAlerts} ` +
        `bytes-per-conversation=${Math.round([...stored.values()].reduce((n, c) => n + JSON.stringify(c).length, 0) / stored.size)} prompts=${promptTotal} missed-by-agents=${missedPrompts()} resends=${counts.retries} answered-duplicate=${counts.duplicates} sent-in=${sentMs} ms all-scored-in=${doneMs} ms`,
    );
    expect({ lost, duplicated, outOfOrder }, examples.join('\n')).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
    await until('nothing left pending', async () => (await pendingOf(admin, () => true)) === 0);
    expect({ missingAlerts, extraAlerts }).toEqual({ missingAlerts: 0, extraAlerts: 0 });
    expect(new Set(allAlertIds).size).toBe(allAlertIds.length);
    expect(promptTotal).toBeGreaterThanOrEqual(p.escalations.size);
    expect(missedPrompts()).toBe(0);

    await until('every ended tile seen', () => endedTiles.size === CONVERSATIONS, 30_000);
    expect([...endedTiles.values()].every((turns) => turns === TURNS_PER_CONVERSATION)).toBe(true);
    expect([...stored.values()].every((c) => c.status === 'ended')).toBe(true);
    // Ended conversations are kept for QA for the retention (90 days by default), not the live day.
    expect(await admin.pTTL(`rapport:conv:${idSegment('k-conv-0')}`)).toBeGreaterThan(89 * DAY_MS);
    expect(await admin.zCard('rapport:ended')).toBe(CONVERSATIONS);
    for (const c of stored.values()) for (const t of c.turns) expect(t.score.label).toMatch(/^(negative|neutral|positive)$/);
  }, 400_000);

  it("a supervisor's acknowledge on one process reaches supervisors and the agent on the others", async () => {
    const stored = await storedConversations(admin, Array.from({ length: CONVERSATIONS }, (_, c) => `k-conv-${c}`));
    const alert = [...stored.values()].flatMap((c) => c.alerts).find((a) => a.state === 'open' && a.agentId !== undefined);
    expect(alert, 'an open alert to acknowledge').toBeDefined();
    const [a, b, c] = processes as [RapportProcess, RapportProcess, RapportProcess];
    const acker = await socketOn(a.url, '/supervisor', await token('supervisor', 'sam'));
    const watcher = await socketOn(b.url, '/supervisor', await token('supervisor', 'sue'));
    const agent = await socketOn(c.url, '/agent', await token('agent', alert!.agentId!));
    sockets.push(acker, watcher, agent);
    const seen = (s: Socket) => new Promise<Alert>((resolve) => s.on('alert:update', (u: Alert) => u.id === alert!.id && resolve(u)));
    const [onWatcher, onAgent] = [seen(watcher), seen(agent)];
    const reply = await acker.emitWithAck('alert:ack', { alertId: alert!.id });
    expect(reply.ok).toBe(true);
    expect((await onWatcher).state).toBe('acknowledged');
    expect((await onAgent).acknowledgedBy).toBe('sam');
  }, 60_000);

  it('an agent who drops for a moment gets what was sent meanwhile, from another process, on reconnect', async () => {
    const [a, b] = processes as [RapportProcess, RapportProcess];
    const agent = await socketOn(a.url, '/agent', await token('agent', 'recover-agent'));
    sockets.push(agent);
    const prompts: string[] = [];
    let turns = 0;
    agent.on('prompt', (prompt: Prompt) => prompts.push(prompt.conversationId));
    agent.on('turn', () => turns++);
    // An event received gives the client the offset it resumes from after the drop.
    await deliver([b], 0, [{ conversationId: 'recover-conv-0', turnId: 'recover-0', speaker: 'agent', text: 'Hello, how can I help?', agentId: 'recover-agent' }], { retries: 0, duplicates: 0 });
    await until('the first turn reached the agent', () => turns === 1);
    agent.io.engine.close();
    await deliver([b], 0, [{ conversationId: 'recover-conv-1', turnId: 'recover-1', speaker: 'customer', text: 'I want to cancel my subscription.', agentId: 'recover-agent' }], { retries: 0, duplicates: 0 });
    await until('the escalation scored', async () => (await storedConversations(admin, ['recover-conv-1'])).get('recover-conv-1')?.prompts.length === 1);
    await until('the agent reconnected', () => agent.connected);
    expect(agent.recovered).toBe(true);
    await until('the missed prompt replayed', () => prompts.includes('recover-conv-1'), 10_000);
  }, 60_000);

  it('rides out a SIGKILL of redis-server: processes reconnect on their own and no acknowledged turn is lost', async () => {
    const health = () => Promise.all(processes.map((x) => fetch(`${x.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0)));
    const p = plan('r', 40, TURNS_PER_CONVERSATION);
    const started = Date.now();
    let downMs = 0;
    let outage: Promise<void> | undefined;
    const counts = await sendRounds(processes, p, async (round) => {
      // Killed while round 8 is in flight, back once every process has noticed; the sender keeps sending meanwhile.
      if (round !== 8) return;
      outage = sleep(25).then(async () => {
        const down = Date.now();
        await redis.kill();
        await until('every /healthz reporting Redis down', async () => (await health()).every((status) => status === 503), 20_000);
        await redis.restart();
        downMs = Date.now() - down;
      });
    });
    await outage;
    await until('every turn scored', () => allScored(admin, p), 180_000);
    const doneMs = Date.now() - started;
    const { lost, duplicated, outOfOrder, examples } = audit(await storedConversations(admin, [...p.order.keys()]), p);
    await until('every /healthz ready again', async () => (await health()).every((status) => status === 200));
    console.log(
      `[redis-restart] turns=${40 * TURNS_PER_CONVERSATION} redis SIGKILL during round 8, restarted (down ${downMs} ms) lost=${lost} duplicated=${duplicated} ` +
        `out-of-order-conversations=${outOfOrder} resends=${counts.retries} answered-duplicate=${counts.duplicates} all-scored-in=${doneMs} ms`,
    );
    expect({ lost, duplicated, outOfOrder }, examples.join('\n')).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
    // Every entry was acknowledged once its turn was saved: nothing is left for a worker to claim.
    await until('nothing left pending', async () => (await pendingOf(admin, () => true)) === 0);
  }, 400_000);
});
