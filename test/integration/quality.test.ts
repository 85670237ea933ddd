import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRapport, type Rapport } from '../../server/app.ts';
import type { Alert } from '../../server/domain/alert.ts';
import type { ConversationSummary } from '../../server/domain/conversation.ts';
import { loadConfig } from '../../server/config.ts';
import type { ChecklistEvent } from '../../server/contract/index.ts';
import { connectAs, MODEL_ARGS, nextEvent, TEST_SECRET, tokenFor } from '../support/server.ts';

/** The service-quality practice on the full server with the shipped model, a settable clock and the deadline ticker ticked by hand. */
const MINUTE = 60_000;
const clock = { now: Date.parse('2026-11-02T09:00:00Z') };
let rapport: Rapport;
let ingestToken: string;
let alice: Socket;
let supervisor: Socket;

async function request(method: string, route: string, token: string, body?: unknown) {
  const res = await fetch(`${rapport.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
const turn = (turnId: string, speaker: 'agent' | 'customer', text: string) =>
  request('POST', '/api/turns', ingestToken, { conversationId: 'qa-live', turnId, speaker, text, agentId: 'alice', customerId: 'cust-77', channel: 'chat', at: clock.now });

beforeAll(async () => {
  const config = loadConfig(['--port', '0', '--secret', TEST_SECRET, ...MODEL_ARGS], {});
  rapport = await createRapport(config, pino({ level: 'silent' }), () => clock.now);
  ingestToken = await tokenFor(rapport, 'ingest', 'bridge');
  alice = await connectAs(rapport, '/agent', await tokenFor(rapport, 'agent', 'alice'));
  supervisor = await connectAs(rapport, '/supervisor', await tokenFor(rapport, 'supervisor', 'sam'));
});

afterAll(async () => {
  alice?.disconnect();
  supervisor?.disconnect();
  await rapport?.close();
});

describe('service quality, live', () => {
  it('ticks the checklist in the agent sidebar as the agent speaks', async () => {
    const ticked = nextEvent<ChecklistEvent>(alice, 'checklist', (e) => e.conversationId === 'qa-live');
    await turn('g1', 'agent', 'Hello, thank you for calling, this is Alice.');
    const { checklist } = await ticked;
    expect(checklist.items.find((i) => i.id === 'greeting')).toMatchObject({ status: 'done', turnId: 'g1' });
    expect(checklist.items.find((i) => i.id === 'summary')!.status).toBe('missing');
  });

  it('grades the complaint and shows the acknowledgement countdown on the wall', async () => {
    const alert = nextEvent<Alert>(supervisor, 'alert', (a) => a.conversationId === 'qa-live');
    const tile = nextEvent<ConversationSummary>(supervisor, 'conversation:update', (t) => t.id === 'qa-live' && t.complaint !== undefined);
    await turn('c1', 'customer', 'This is terrible, I have called three times and I am going to my lawyer about it.');
    expect(await alert).toMatchObject({ state: 'open', notify: 'supervisor', ackDueAt: clock.now + 2 * MINUTE });
    const t = await tile;
    expect(t.complaint).toMatchObject({ grade: 'major', owner: 'manager', deadlines: { managerBy: clock.now + 120 * MINUTE } });
    expect(t.ackDueAt).toBe(clock.now + 2 * MINUTE);
  });

  it('escalates the alert to a manager when nobody acknowledges in time', async () => {
    const escalated = nextEvent<Alert>(supervisor, 'alert:update', (a) => a.conversationId === 'qa-live' && (a.escalations?.length ?? 0) > 0);
    clock.now += 2 * MINUTE;
    expect(await rapport.deadlines.tick()).toEqual(['qa-live']);
    expect(await escalated).toMatchObject({ severity: 'critical', notify: 'manager' });
  });

  it('reports the conversation and the agent to supervisors', async () => {
    await turn('a2', 'agent', "I'm so sorry. I will call you back before 5 pm today with a fix.");
    await request('POST', '/api/conversations/qa-live/end', ingestToken);
    const sam = await tokenFor(rapport, 'supervisor', 'sam');
    const one = await request('GET', '/api/metrics/conversations/qa-live', sam);
    expect(one.body.checklist.items.find((i: { id: string }) => i.id === 'commitment').status).toBe('done');
    expect(one.body.metrics.alerts[0].escalations).toBe(1);
    const agents = await request('GET', '/api/metrics/agents', sam);
    expect(agents.body.agents[0]).toMatchObject({ agentId: 'alice', conversations: 1, rank: 1 });
  });
});
