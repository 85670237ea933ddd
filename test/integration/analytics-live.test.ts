import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { moodLabel } from '../../server/domain/after-call.ts';
import type { ConversationSummary } from '../../server/domain/conversation.ts';
import type { Prompt } from '../../server/domain/prompt.ts';
import { connectAs, nextEvent, postAs, startRapport, tokenFor } from '../support/server.ts';

let rapport: Rapport;
let ingestToken: string;
let qaToken: string;
let agent: Socket;
let supervisor: Socket;

const post = (route: string, body: unknown) => postAs(rapport, ingestToken, route, body);

async function get(route: string) {
  return (await (await fetch(`${rapport.url}${route}`, { headers: { authorization: `Bearer ${qaToken}` } })).json()) as any;
}

beforeAll(async () => {
  rapport = await startRapport();
  ingestToken = await tokenFor(rapport, 'ingest', 'bridge');
  qaToken = await tokenFor(rapport, 'qa', 'quinn');
  agent = await connectAs(rapport, '/agent', await tokenFor(rapport, 'agent', 'una'));
  supervisor = await connectAs(rapport, '/supervisor', await tokenFor(rapport, 'supervisor', 'sam'));
});

afterAll(async () => {
  agent?.disconnect();
  supervisor?.disconnect();
  await rapport?.close();
});

describe('analytics live, with the real models', () => {
  it('an English chat: contact reason and its knowledge prompt, predicted satisfaction on the tile, the after-call summary at the end', async () => {
    const knowledge = nextEvent<Prompt>(agent, 'prompt', (p) => p.conversationId === 'an-en' && p.source === 'knowledge-billing');
    const tile = nextEvent<ConversationSummary>(supervisor, 'conversation:update', (t) => t.id === 'an-en' && t.turnCount === 3);
    const turns = [
      { turnId: 'e1', speaker: 'customer', text: 'I was charged twice on my last bill, this is ridiculous and I am furious.' },
      { turnId: 'e2', speaker: 'agent', text: "I'm sorry about that. I will refund the second charge today and email you a confirmation." },
      { turnId: 'e3', speaker: 'customer', text: 'Great, thank you so much for sorting it out!' },
    ];
    for (const t of turns) expect((await post('/api/turns', { conversationId: 'an-en', agentId: 'una', ...t })).status).toBe(202);
    expect((await knowledge).why).toBe('The customer is contacting about: Billing.');
    const t = await tile;
    expect(t.contactReason).toMatchObject({ id: 'billing', source: 'keywords', turnId: 'e1' });
    expect(t.predictedSatisfaction!.Score).toBeGreaterThan(3);
    expect(t.predictedSatisfaction!.Confidence).toBeGreaterThan(0);

    await rapport.ingest.end({ conversationId: 'an-en' });
    const summary = await get('/api/conversations/an-en/summary');
    expect(summary.ConversationCharacteristics.PredictedSatisfaction).toEqual(t.predictedSatisfaction);
    expect(summary.ContactReason.id).toBe('billing');
    expect(summary.AfterCall).toMatchObject({
      Language: 'en',
      Issue: { TurnId: 'e1' },
      Commitments: [{ TurnId: 'e2', Time: 'today' }],
      Outcome: 'FOLLOW_UP',
    });
    // The end label is the customer's smoothed mood at their last turn, which one thankful turn lifts
    // from furious to about level (the curve halves the distance per confident turn).
    const curve = (await get('/api/conversations/an-en')).curve.customer as { smoothed: number }[];
    expect(summary.AfterCall.Mood).toEqual({ Start: 'NEGATIVE', End: moodLabel(curve.at(-1)!.smoothed) });
    expect(curve.at(-1)!.smoothed).toBeGreaterThan(curve[0]!.smoothed + 0.5);
    expect(summary.ConversationCharacteristics.ChatMetrics.CustomerWaits).toHaveLength(1);
    // QA filters: by reason, and the unsatisfied ones.
    expect((await get('/api/conversations?reason=billing')).conversations.map((c: { id: string }) => c.id)).toEqual(['an-en']);
    expect((await get('/api/conversations?maxSatisfaction=1.5')).conversations.map((c: { id: string }) => c.id)).not.toContain('an-en');
  });

  it('a Chinese call: the reason, the summary and its lines in Chinese', async () => {
    const t0 = Date.now() - 30_000;
    const turns = [
      { turnId: 'z1', speaker: 'agent', text: '您好，这里是北风宽带，请问有什么可以帮您？', at: t0, endAt: t0 + 3000 },
      { turnId: 'z2', speaker: 'customer', text: '我家宽带每天晚上都掉线，已经两个星期了，真的很烦。', at: t0 + 3500, endAt: t0 + 9000 },
      { turnId: 'z3', speaker: 'agent', text: '非常抱歉给您添麻烦了。我会安排工程师明天上午上门检修。', at: t0 + 9500, endAt: t0 + 15_000 },
      { turnId: 'z4', speaker: 'customer', text: '好的，谢谢你。', at: t0 + 15_500, endAt: t0 + 17_000 },
    ];
    for (const t of turns) expect((await post('/api/turns', { conversationId: 'an-zh', agentId: 'una', channel: 'voice', ...t })).status).toBe(202);
    await rapport.pipeline.idle();
    await rapport.ingest.end({ conversationId: 'an-zh' });
    const summary = await get('/api/conversations/an-zh/summary');
    expect(summary.LanguageCode).toBe('zh');
    expect(summary.ContactReason).toMatchObject({ id: 'outage', label: '网络故障' });
    expect(summary.AfterCall.Text).toContain('问题：我家宽带每天晚上都掉线，已经两个星期了，真的很烦。');
    expect(summary.AfterCall.Text).toContain('坐席承诺：我会安排工程师明天上午上门检修。（时间：明天）');
    expect(summary.AfterCall.Outcome).toBe('FOLLOW_UP');
    expect(summary.ConversationCharacteristics.TalkTime.DetailsByParticipant).toEqual({ AGENT: { TotalTimeMillis: 8500 }, CUSTOMER: { TotalTimeMillis: 7000 } });
    expect(summary.ConversationCharacteristics.PredictedSatisfaction.Score).toBeGreaterThanOrEqual(1);
  });

  it('a turn no keyword reason covers: the on-device intent model gives the reason', async () => {
    const tile = nextEvent<ConversationSummary>(supervisor, 'conversation:update', (t) => t.id === 'an-model' && t.contactReason !== undefined);
    await post('/api/turns', { conversationId: 'an-model', turnId: 'm1', speaker: 'customer', text: 'Why was I charged a fee for withdrawing cash?', agentId: 'una' });
    expect((await tile).contactReason).toMatchObject({ id: 'cash_withdrawal_charge', label: 'cash withdrawal charge', source: 'model', turnId: 'm1' });
    expect((await tile).contactReason!.confidence).toBeGreaterThanOrEqual(0.6);
  });
});
