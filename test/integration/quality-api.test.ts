import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualityRoutes } from '../../server/api/quality.ts';
import { TokenService } from '../../server/auth/tokens.ts';
import type { ConversationQualityReport, QaSampleResponse } from '../../server/contract/index.ts';
import { config, MINUTE, rig } from '../support/quality.ts';
import { TEST_SECRET } from '../support/server.ts';

/**
 * The quality API over a real HTTP server and pipeline, with the keyword scorer instead of the
 * model, so it runs anywhere; test/integration/quality.test.ts covers the full server with the model.
 */
let http: Server;
let url: string;
let r: Awaited<ReturnType<typeof rig>>;
const tokens = new TokenService(TEST_SECRET);
const token = (role: 'agent' | 'supervisor' | 'qa', id: string) => tokens.issue({ id, role, name: id });

async function call(method: string, route: string, role: 'agent' | 'supervisor' | 'qa', id: string, body?: unknown) {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(role, id)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : undefined };
}

const started = { from: 0, to: 0 };

beforeAll(async () => {
  r = await rig();
  started.from = r.clock.now;
  const conversation = async (id: string, agentId: string, customerId: string, lines: [string, string][]) => {
    for (const [speaker, text] of lines) {
      await r.say(id, speaker as 'agent' | 'customer', text, { agentId, customerId });
      r.clock.now += MINUTE;
    }
    await r.commands.end(id);
  };
  await conversation('q1', 'alice', 'cust-9', [
    ['agent', 'Hello, this is Alice.'],
    ['customer', 'This is terrible, I want to cancel.'],
    ['agent', 'I am sorry. I will fix it before 5 pm today.'],
    ['customer', 'Great, thanks.'],
    ['customer', 'Perfect, thanks a lot.'],
  ]);
  for (let i = 0; i < 6; i++) await conversation(`a${i}`, 'alice', `cust-a${i}`, [['customer', i % 3 === 0 ? 'Awful.' : 'Fine.'], ['agent', 'Hello!']]);
  for (let i = 0; i < 4; i++) await conversation(`b${i}`, 'bob', `cust-b${i}`, [['customer', 'Useless service.'], ['agent', 'Hi.']]);
  // A customer getting worse across three conversations.
  for (const [i, text] of ['Great, thanks.', 'Fine.', 'Terrible, useless.'].entries()) await conversation(`c${i}`, 'bob', 'cust-churn', [['customer', text]]);
  started.to = r.clock.now + 1;
  const app = express();
  app.use(express.json());
  app.use(qualityRoutes({ store: r.store, commands: r.commands, tokens, config: config.quality, clock: () => r.clock.now, newId: () => `fb${Math.random()}` }));
  http = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve())));

const period = () => `from=${started.from}&to=${started.to}`;

describe('metrics API', () => {
  it('ranks agents for supervisors only', async () => {
    expect((await call('GET', `/api/metrics/agents?${period()}`, 'agent', 'alice')).status).toBe(403);
    const { status, body } = await call('GET', `/api/metrics/agents?${period()}`, 'supervisor', 'sam');
    expect(status).toBe(200);
    expect(body.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['alice', 'bob']);
    expect(body.agents[0]).toMatchObject({ rank: 1, team: 'frontline', conversations: 7, recoveryRate: 0.333 });
    expect(body.formula).toMatch(/teamMean/);
    expect((await call('GET', '/api/metrics/agents?from=yesterday', 'supervisor', 'sam')).status).toBe(400);
  });

  it('reports one conversation to its agent, not to another agent', async () => {
    const { body } = (await call('GET', '/api/metrics/conversations/q1', 'agent', 'alice')) as { body: ConversationQualityReport };
    expect(body.metrics).toMatchObject({ recovered: true, agentId: 'alice' });
    expect(body.checklist!.items.find((i) => i.id === 'commitment')!.status).toBe('done');
    expect(body.complaints[0]!.grade).toBe('complex');
    expect(body.complaints[0]!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['complaint.strong', 'complaint.escalation']));
    expect(body.promptEffects.length).toBeGreaterThan(0);
    expect((await call('GET', '/api/metrics/conversations/q1', 'agent', 'bob')).status).toBe(403);
  });

  it('flags customers at churn risk', async () => {
    const { body } = await call('GET', `/api/churn?${period()}`, 'supervisor', 'sam');
    expect(body.customers.map((c: { customerId: string }) => c.customerId)).toEqual(['cust-churn']);
  });
});

describe('QA API', () => {
  it('draws the same stratified sample for the same seed, with auto-filled scorecards', async () => {
    const request = { from: started.from, to: started.to, size: 6, seed: 'nov' };
    const first = (await call('POST', '/api/qa/samples', 'qa', 'quinn', request)).body as QaSampleResponse;
    const again = (await call('POST', '/api/qa/samples', 'qa', 'quinn', request)).body as QaSampleResponse;
    expect(again.sample).toEqual(first.sample);
    expect(first.sample.strata.map((s) => [s.agentId, s.sampled.length])).toEqual([
      ['alice', 3],
      ['bob', 3],
    ]);
    expect(first.scorecards.map((s) => s.conversationId)).toEqual(first.sample.conversationIds);
    expect(first.scorecards[0]!.criteria.find((k) => k.id === 'greeting')!.source).toBe('auto');
    expect((await call('POST', '/api/qa/samples', 'agent', 'alice', request)).status).toBe(403);
  });

  it('refuses a sample period past what a date can hold, or ending before it starts, naming the field', async () => {
    const farAhead = await call('POST', '/api/qa/samples', 'qa', 'quinn', { from: 8_700_000_000_000_000, to: 8_800_000_000_000_000 });
    expect(farAhead.status).toBe(400);
    expect(farAhead.body.errors.map((e: { field: string }) => e.field)).toEqual(['from', 'to']);
    const reversed = await call('POST', '/api/qa/samples', 'qa', 'quinn', { from: started.to, to: started.from });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([{ field: 'to', message: 'must not be before from' }]);
  });

  it('lets QA edit a scorecard and rolls scorecards up per agent', async () => {
    const put = await call('PUT', '/api/qa/scorecards/q1', 'qa', 'quinn', { criteria: [{ id: 'accuracy', score: 1 }], status: 'final' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: 'final', updatedBy: 'quinn' });
    expect((await call('GET', '/api/qa/scorecards/q1', 'qa', 'quinn')).body.criteria.find((k: { id: string }) => k.id === 'accuracy').score).toBe(1);
    expect((await call('PUT', '/api/qa/scorecards/q1', 'qa', 'quinn', { criteria: [{ id: 'nope', score: 1 }] })).status).toBe(400);
    const rollup = await call('GET', `/api/qa/scorecards/rollup?${period()}`, 'qa', 'quinn');
    expect(rollup.body.agents.find((a: { agentId: string }) => a.agentId === 'alice')).toMatchObject({ final: 1 });
  });
});

describe('feedback API', () => {
  it('stores an agent’s verdict on their own prompt and a supervisor’s correction on an alert; reports precision; exports corrections', async () => {
    const c = (await r.store.get('q1'))!;
    const prompt = c.prompts[0]!;
    const alert = c.alerts[0]!;
    const mine = await call('POST', '/api/feedback', 'agent', 'alice', { conversationId: 'q1', target: 'prompt', id: prompt.id, verdict: 'helpful' });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ rule: prompt.source, by: 'alice', turn: { text: 'This is terrible, I want to cancel.' } });
    expect((await call('POST', '/api/feedback', 'agent', 'bob', { conversationId: 'q1', target: 'prompt', id: prompt.id, verdict: 'wrong' })).status).toBe(403);
    expect((await call('POST', '/api/feedback', 'agent', 'alice', { conversationId: 'q1', target: 'alert', id: 'nope', verdict: 'wrong' })).status).toBe(404);
    await call('POST', '/api/feedback', 'supervisor', 'sam', { conversationId: 'q1', target: 'alert', id: alert.id, verdict: 'wrong', correctLabel: 'neutral' });

    const stored = (await r.store.get('q1'))!.feedback!;
    expect(stored.map((f) => [f.target, f.verdict])).toEqual([
      ['prompt', 'helpful'],
      ['alert', 'wrong'],
    ]);
    const report = await call('GET', `/api/feedback/report?${period()}`, 'supervisor', 'sam');
    expect(report.body.rules).toEqual(
      expect.arrayContaining([
        { target: 'prompt', rule: prompt.source, helpful: 1, wrong: 0, precision: 1 },
        { target: 'alert', rule: alert.rule, helpful: 0, wrong: 1, precision: 0 },
      ]),
    );
    const tsv = await call('GET', `/api/feedback/export.tsv?${period()}`, 'qa', 'quinn');
    expect(tsv.type).toMatch(/text\/tab-separated-values/);
    expect(tsv.text).toBe('text\tlabel\nThis is terrible, I want to cancel.\tneutral\n');
  });
});
