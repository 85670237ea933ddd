import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Alert } from '../../server/domain/alert.ts';
import type { ConversationSummary } from '../../server/domain/conversation.ts';
import type { Prompt } from '../../server/domain/prompt.ts';
import { loadConfig } from '../../server/config.ts';
import { offlinePipelinesFor } from '../../server/compose.ts';
import { scoreOffline } from '../../server/ingest/adapters/offline.ts';
import { connectAs, MODEL_ARGS, nextEvent, postAs, startRapport, tokenFor } from '../support/server.ts';

let rapport: Rapport;
let ingestToken: string;
let agent: Socket;
let supervisor: Socket;

const post = (route: string, body: unknown) => postAs(rapport, ingestToken, route, body);

beforeAll(async () => {
  rapport = await startRapport();
  ingestToken = await tokenFor(rapport, 'ingest', 'bridge');
  agent = await connectAs(rapport, '/agent', await tokenFor(rapport, 'agent', 'tina'));
  supervisor = await connectAs(rapport, '/supervisor', await tokenFor(rapport, 'supervisor', 'sam'));
});

afterAll(async () => {
  agent?.disconnect();
  supervisor?.disconnect();
  await rapport?.close();
});

describe('time rules, live through a real server', () => {
  it('a chat customer waiting past 60 s: the ticker raises the alert and prompts the agent without any new turn, the tile shows since when; the reply resolves it', async () => {
    const sentAt = Date.now() - 65_000;
    const tile = nextEvent<ConversationSummary>(supervisor, 'conversation:update', (t) => t.id === 'wait-1' && t.waitingSince !== undefined);
    const alert = nextEvent<Alert>(supervisor, 'alert', (a) => a.conversationId === 'wait-1' && a.rule === 'customer-wait');
    const prompt = nextEvent<Prompt>(agent, 'prompt', (p) => p.conversationId === 'wait-1' && p.source === 'acknowledge-wait');
    const res = await post('/api/turns', { conversationId: 'wait-1', turnId: 'c1', speaker: 'customer', text: 'Where is my parcel? It was due yesterday.', agentId: 'tina', at: sentAt });
    expect(res.status).toBe(202);
    expect((await tile).waitingSince).toBe(sentAt);
    expect(await alert).toMatchObject({ severity: 'warning', state: 'open', evidence: ['c1'] });
    expect((await alert).reason).toMatch(/^The customer has waited 6\d s for a reply\.$/);
    const p = await prompt;
    expect(p.why).toMatch(/waited 6\d s/);
    expect(p.text).toMatch(/acknowledge them now and give a time/);

    const resolved = nextEvent<Alert>(supervisor, 'alert:update', (a) => a.conversationId === 'wait-1' && a.rule === 'customer-wait' && a.state === 'resolved');
    await post('/api/turns', { conversationId: 'wait-1', turnId: 'a1', speaker: 'agent', text: 'Sorry for the wait, I am checking it now.' });
    expect((await resolved).resolution).toBe('The agent replied.');
    const view = await (await fetch(`${rapport.url}/api/conversations/wait-1`, { headers: { authorization: `Bearer ${await tokenFor(rapport, 'qa', 'quinn')}` } })).json() as any;
    expect(view.waitingSince).toBeUndefined();
    expect(view.characteristics.ChatMetrics.CustomerWaits[0]).toMatchObject({ TurnId: 'c1', Answered: true });
    expect(view.characteristics.ChatMetrics.CustomerWaits[0].DurationMillis).toBeGreaterThanOrEqual(65_000);
  });

  it('a silent call: the long-silence alert and its Chinese prompt', async () => {
    const at = Date.now() - 40_000;
    const alert = nextEvent<Alert>(supervisor, 'alert', (a) => a.conversationId === 'quiet-1' && a.rule === 'long-silence');
    const prompt = nextEvent<Prompt>(agent, 'prompt', (p) => p.conversationId === 'quiet-1' && p.source === 'break-silence');
    await post('/api/turns', { conversationId: 'quiet-1', turnId: 'q1', speaker: 'agent', text: '请稍等，我帮您查一下账户。', channel: 'voice', agentId: 'tina', at, endAt: at + 3000 });
    expect((await alert).reason).toMatch(/^Nobody has spoken on the call for 3\d s\.$/);
    expect((await prompt).text).toMatch(/沉默/);
  });

  it('an agent talking over the customer three times, and too fast: both alerts and prompts', async () => {
    const t0 = Date.now() - 60_000;
    const s = (x: number) => t0 + x * 1000;
    const fast = Array.from({ length: 70 }, (_, i) => (i % 2 ? 'account' : 'please')).join(' ');
    const interruptions = nextEvent<Alert>(supervisor, 'alert', (a) => a.conversationId === 'talk-1' && a.rule === 'agent-interruptions');
    const speed = nextEvent<Alert>(supervisor, 'alert', (a) => a.conversationId === 'talk-1' && a.rule === 'agent-talk-speed');
    const prompts = new Set<string>();
    const bothPrompts = nextEvent<Prompt>(agent, 'prompt', (p) => {
      if (p.conversationId === 'talk-1') prompts.add(p.source);
      return prompts.has('stop-interrupting') && prompts.has('slow-down');
    });
    const turns = [
      { turnId: 'k1', speaker: 'customer', text: 'My broadband keeps dropping every single evening', at: s(0), endAt: s(6) },
      { turnId: 'k2', speaker: 'agent', text: fast, at: s(5), endAt: s(17) },
      { turnId: 'k3', speaker: 'customer', text: 'and I have called three times about it already', at: s(18), endAt: s(24) },
      { turnId: 'k4', speaker: 'agent', text: fast, at: s(23), endAt: s(35) },
      { turnId: 'k5', speaker: 'customer', text: 'so please do not tell me to restart the router', at: s(36), endAt: s(42) },
      { turnId: 'k6', speaker: 'agent', text: 'Have you tried restarting it', at: s(40), endAt: s(44) },
    ];
    for (const t of turns) expect((await post('/api/turns', { conversationId: 'talk-1', channel: 'voice', agentId: 'tina', ...t })).status).toBe(202);
    expect((await interruptions).evidence).toEqual(['k2', 'k4', 'k6']);
    expect((await speed).reason).toMatch(/words a minute \(above 180\)/);
    await bothPrompts;
    await rapport.pipeline.idle();
    await post('/api/turns', { conversationId: 'talk-1', turnId: 'k7', speaker: 'customer', text: 'Goodbye.', channel: 'voice', at: s(50), endAt: s(51) });
    await rapport.pipeline.idle();
    const summary = await (await fetch(`${rapport.url}/api/conversations/talk-1/summary`, { headers: { authorization: `Bearer ${await tokenFor(rapport, 'qa', 'quinn')}` } })).json() as any;
    expect(summary.ConversationCharacteristics.Interruptions).toMatchObject({ TotalCount: 3, InterruptionsByInterrupter: { AGENT: [{ BeginOffsetMillis: 5000, EndOffsetMillis: 6000 }, {}, {}] } });
    expect(summary.ConversationCharacteristics.TalkTime.DetailsByParticipant.AGENT.TotalTimeMillis).toBe(28_000);
  });
});

describe('time rules offline (rapport score, swap roles)', () => {
  it('fire where they fell due between turns, as they would have live', async () => {
    const offline = offlinePipelinesFor(loadConfig(['--secret', 'x'.repeat(32), ...MODEL_ARGS], {}), rapport.scorer);
    const t0 = 1_767_261_600_000;
    const { conversation } = await scoreOffline(
      'offline-wait',
      [
        { conversationId: 'offline-wait', turnId: 'o1', speaker: 'customer', text: 'Hi, my order has not arrived.', channel: 'chat', final: true, at: t0 },
        { conversationId: 'offline-wait', turnId: 'o2', speaker: 'agent', text: 'Sorry for the wait, let me check.', channel: 'chat', final: true, at: t0 + 150_000 },
      ],
      offline,
    );
    const wait = conversation.alerts.find((a) => a.rule === 'customer-wait')!;
    // Opened at 60 s, raised to critical at 120 s, resolved by the reply at 150 s.
    expect(wait).toMatchObject({ openedAt: t0 + 60_000, severity: 'critical', state: 'resolved', resolution: 'The agent replied.' });
    expect(conversation.prompts.find((p) => p.source === 'acknowledge-wait')?.at).toBe(t0 + 60_000);
  });
});
