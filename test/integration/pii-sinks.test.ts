import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreFiles } from '../../bin/score.ts';
import { toCsv } from '../../client/src/lib/export.ts';
import { createRapport, type Rapport } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { ConversationView } from '../../server/domain/conversation.ts';
import type { Scorecard } from '../../server/domain/quality.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { connectAs, MODEL_ARGS, TEST_SECRET, tokenFor } from '../support/server.ts';
import { until, WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * PII sent through every field a person writes (turn text over HTTP, the /ingest socket and a vendor
 * format, partial speech segments, customerId, queue, an id that is a phone number, QA notes, scorecard
 * comment and notes, a sample seed, whispers, alert assignees) and looked for on every sink: REST
 * replies, socket events, Redis (its append-only file, so every value ever written and every key),
 * webhook bodies, summary files, exports (the QA screen's JSON and CSV, the corrections TSV) and logs.
 */

const WEBHOOK_SECRET = 'whsec-pii-test-0123456789';

/** Each value as it was written, and in the forms a leak would take (digits run together, and so on). */
const PII = [
  '4111 1111 1111 1111', '4111111111111111', '5500 0000 0000 0004', '5500000000000004',
  '138 1234 5678', '13812345678', '13912345678', '13700001111', '13500002222', '13600001111', '13800138000', '139 8765 4321', '13987654321',
  '+44 20 7946 0958', '7946 0958', '555-123-4567', '5551234567',
  'jane.doe@example.com', 'jane.doe', 'example.com', 'zhang.wei', 'qq.com', 'bob@corp.cn', 'corp.cn',
  '11010519491231002X', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', '123-45-6789', '123456789', '078-05-1120',
  'cvv 123', '12/27', 'pin is 4821',
];
const leaksIn = (text: string) => PII.filter((needle) => text.includes(needle));

let redis: TestRedis;
let rapport: Rapport;
let receiver: WebhookReceiver;
let summaryDir: string;
const logLines: string[] = [];
const events: { socket: string; event: string; payload: unknown }[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  redis = await startRedis();
  receiver = new WebhookReceiver(WEBHOOK_SECRET);
  await receiver.up();
  summaryDir = mkdtempSync(path.join(tmpdir(), 'rapport-pii-summaries-'));
  const config = loadConfig(
    ['--port', '0', '--secret', TEST_SECRET, ...MODEL_ARGS, '--redis', redis.url, '--summary-dir', summaryDir, '--webhook-url', receiver.url, '--webhook-secret', WEBHOOK_SECRET, '--webhook-retry-ms', '20'],
    {},
  );
  // Every log line at every level, as it would reach a log collector.
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString('utf8')), done()) });
  rapport = await createRapport(config, pino({ level: 'trace' }, sink));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await rapport?.close();
  await receiver?.down();
  await redis?.stop();
  if (summaryDir) rmSync(summaryDir, { recursive: true, force: true });
});

async function call(method: string, route: string, token: string, body?: unknown, type = 'application/json') {
  const res = await fetch(`${rapport.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as any };
}

async function listen(name: string, socket: Socket): Promise<Socket> {
  socket.onAny((event: string, payload: unknown) => events.push({ socket: name, event, payload }));
  sockets.push(socket);
  return socket;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('PII on every sink', () => {
  it('is redacted from every field a person writes before anything is stored, sent, exported or logged', async () => {
    const ingest = await tokenFor(rapport, 'ingest', 'bridge');
    const supervisorToken = await tokenFor(rapport, 'supervisor', 'sam');
    const qa = await tokenFor(rapport, 'qa', 'quinn');
    const agent = await listen('agent', await connectAs(rapport, '/agent', await tokenFor(rapport, 'agent', 'alice')));
    const supervisor = await listen('supervisor', await connectAs(rapport, '/supervisor', supervisorToken));
    const ingestSocket = await connectAs(rapport, '/ingest', ingest);
    sockets.push(ingestSocket);
    const startedAt = Date.now();

    // The conversation id is a phone number, as some telephony bridges send it.
    const first = await call('POST', '/api/turns', ingest, {
      conversationId: '13812345678',
      speaker: 'customer',
      text: 'My card is 4111 1111 1111 1111, exp 12/27, cvv 123. This is unacceptable, I want to cancel and I will complain!',
      agentId: 'alice',
      customerId: 'jane.doe@example.com',
      queue: '13912345678',
    });
    expect(first.status).toBe(202);
    const id = first.json().conversationId as string;
    expect(id).toMatch(/^pii-[0-9a-f]{24}$/u);
    await supervisor.emitWithAck('watch', { conversationId: id });

    const batch = await call('POST', '/api/turns', ingest, [
      { conversationId: '13812345678', speaker: 'agent', text: 'I am sorry. Your order 订单号 2023120512345 ships today; I will call you back before 5 pm.', agentId: 'alice', customerId: 'jane.doe@example.com' },
      { conversationId: '13812345678', speaker: 'customer', text: 'Mail jane.doe@example.com or jane dot doe at example dot com, phone 138 1234 5678 or +44 20 7946 0958', agentId: 'alice', customerId: 'jane.doe@example.com' },
      { conversationId: '13812345678', speaker: 'customer', text: '我的身份证号 11010519491231002X，IBAN DE89 3704 0044 0532 0130 00，SSN 123-45-6789，我要投诉！', agentId: 'alice', customerId: 'jane.doe@example.com' },
    ]);
    expect(batch.status).toBe(202);
    const partial = await ingestSocket.emitWithAck('turn', { conversationId: '13812345678', speaker: 'customer', text: 'my pin is 4821 and mobile 13912345678', final: false, channel: 'voice', agentId: 'alice' });
    expect(partial).toMatchObject({ ok: true, conversationId: id });
    const spoken = await ingestSocket.emitWithAck('turn', {
      conversationId: '13812345678',
      speaker: 'customer',
      text: 'five five zero zero, double zero double zero, double zero double zero, double zero zero four',
      channel: 'voice',
      agentId: 'alice',
      customerId: 'jane.doe@example.com',
    });
    expect(spoken).toMatchObject({ ok: true, conversationId: id });
    // A vendor format, with the conversation id in the query.
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n<v Agent>Thank you for calling, how can I help?</v>\n\n00:00:04.000 --> 00:00:08.000\n<v Customer>Call me on 555-123-4567 or mail bob@corp.cn please.</v>\n';
    const adapted = await call('POST', '/api/ingest/webvtt?conversationId=13800138000&end=false', ingest, vtt, 'text/vtt');
    expect(adapted.status).toBe(202);
    await rapport.pipeline.idle();

    // Supervisors and QA write too.
    const whisper = await supervisor.emitWithAck('whisper', { conversationId: id, text: 'Ask them to confirm 13700001111 and zhang.wei@qq.com' });
    expect(whisper).toMatchObject({ ok: true, data: { text: 'Ask them to confirm [PHONE] and [EMAIL]' } });
    const view = (await call('GET', `/api/conversations/${id}`, qa)).json() as ConversationView;
    const alert = view.alerts[0];
    expect(alert).toBeDefined();
    // An assignee is a supervisor on the wall, by id: typed text (a number with it) is refused, never stored or echoed.
    const typed = await supervisor.emitWithAck('alert:assign', { alertId: alert!.id, to: 'sam 13500002222' });
    expect(typed).toMatchObject({ ok: false, code: 'invalid' });
    expect(JSON.stringify(typed)).not.toContain('13500002222');
    const assigned = await supervisor.emitWithAck('alert:assign', { alertId: alert!.id, to: 'sam' });
    expect(assigned).toMatchObject({ ok: true, data: { assignedTo: 'sam' } });
    const note = await call('PUT', `/api/conversations/${id}/note`, qa, { note: 'Customer read out 5500 0000 0000 0004 and +44 20 7946 0958' });
    expect(note.json()).toEqual({ ok: true, qaNote: 'Customer read out [CARD] and [PHONE]' });
    const feedback = await call('POST', '/api/feedback', supervisorToken, { conversationId: id, target: 'alert', id: alert!.id, verdict: 'wrong', correctLabel: 'neutral' });
    expect(feedback.status).toBe(201);

    const ended = await call('POST', '/api/conversations/13812345678/end', ingest, {});
    expect(ended.json()).toMatchObject({ ok: true, conversationId: id });
    await call('POST', '/api/conversations/13800138000/end', ingest, {});
    const period = { from: startedAt - 60_000, to: Date.now() + 60_000 };
    const sample = await call('POST', '/api/qa/samples', qa, { ...period, size: 5, seed: 'seed 13600001111' });
    expect(sample.status).toBe(200);
    expect(sample.json().sampleId).toContain('#seed [PHONE]');
    const draft = (await call('GET', `/api/qa/scorecards/${id}`, qa)).json() as Scorecard;
    const scorecard = await call('PUT', `/api/qa/scorecards/${id}`, qa, {
      comment: 'Called from 139 8765 4321',
      criteria: [{ id: draft.criteria[0]!.id, score: 1, note: 'SSN 078-05-1120 said aloud' }],
      status: 'final',
    });
    const card = scorecard.json() as Scorecard;
    expect(card.comment).toBe('Called from [PHONE]');
    expect(card.criteria[0]!.note).toBe('SSN [SSN] said aloud');
    await until(() => receiver.unique.some((r) => r.event.type === 'conversation.ended' && r.event.conversationId === id));
    await until(() => readdirSync(summaryDir).length >= 2);

    // REST: every read a screen or an integration makes.
    const query = `from=${period.from}&to=${period.to}`;
    const rest = await Promise.all(
      [
        [qa, `/api/conversations?${query}`],
        [qa, `/api/conversations/${id}`],
        [qa, `/api/conversations/${id}/summary`],
        [qa, `/api/metrics/conversations/${id}`],
        [qa, `/api/qa/scorecards/${id}`],
        [qa, `/api/qa/scorecards/rollup?${query}`],
        [qa, `/api/feedback/report?${query}`],
        [qa, `/api/feedback/export.tsv?${query}`],
        [supervisorToken, `/api/churn?${query}`],
        [supervisorToken, `/api/metrics/agents?${query}`],
        [supervisorToken, '/api/webhooks/deliveries'],
      ].map(async ([token, route]) => ({ route: route!, ...(await call('GET', route!, token!)) })),
    );
    for (const r of rest) {
      expect(r.status, r.route).toBe(200);
      expect(leaksIn(r.text), r.route).toEqual([]);
    }
    const finalView = JSON.parse(rest[1]!.text) as ConversationView;
    // What agents need survives, and the redactions are really there to be seen.
    expect(finalView.customerId).toMatch(/^pii-[0-9a-f]{24}$/u);
    expect(finalView.turns.map((t) => t.text)).toEqual(
      expect.arrayContaining([
        'My card is [CARD], exp [EXPIRY], cvv [CVV]. This is unacceptable, I want to cancel and I will complain!',
        'I am sorry. Your order 订单号 2023120512345 ships today; I will call you back before 5 pm.',
        'Mail [EMAIL] or [EMAIL], phone [PHONE] or [PHONE]',
        '我的身份证号 [ID]，IBAN [IBAN]，SSN [SSN]，我要投诉！',
        '[CARD]',
      ]),
    );
    expect(rest.find((r) => r.route.startsWith('/api/feedback/export'))!.text).toContain('[CARD]');

    // Exports: the QA screen's JSON and CSV of the conversation.
    expect(leaksIn(JSON.stringify(finalView, null, 2))).toEqual([]);
    const csv = toCsv(finalView);
    expect(csv).toContain('[IBAN]');
    expect(leaksIn(csv)).toEqual([]);

    // Socket events, live and partial.
    expect(events.some((e) => e.event === 'partial' && JSON.stringify(e.payload).includes('[PIN]'))).toBe(true);
    expect(events.filter((e) => e.socket === 'agent' && e.event === 'turn').length).toBeGreaterThanOrEqual(5);
    expect(leaksIn(JSON.stringify(events))).toEqual([]);

    // Webhooks: alert events and the post-contact summary.
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(leaksIn(JSON.stringify(receiver.requests.map((r) => r.event)))).toEqual([]);

    // Summary files.
    const summaries = filesUnder(summaryDir).map((f) => readFileSync(f, 'utf8'));
    expect(summaries.join('\n')).toContain(id);
    expect(leaksIn(summaries.join('\n'))).toEqual([]);

    // Redis: the append-only file holds every command written, keys and values, even those since overwritten.
    const aof = filesUnder(redis.dir).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(aof).toContain('[CARD]');
    expect(aof).toContain('2023120512345');
    expect(leaksIn(aof)).toEqual([]);

    // Logs, at every level.
    expect(logLines.length).toBeGreaterThan(0);
    expect(leaksIn(logLines.join(''))).toEqual([]);
  }, 180_000);

  it('is redacted from the files `rapport score` writes (scored JSON and CSV, the summary table)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rapport-pii-score-'));
    try {
      const file = path.join(dir, 'call.jsonl');
      const lines = [
        { conversationId: '13812345678', speaker: 'agent', text: 'Thank you for calling, how can I help?' },
        { conversationId: '13812345678', speaker: 'customer', text: 'My card is 4111 1111 1111 1111 and my phone 138 1234 5678; mail jane.doe@example.com' },
        { conversationId: '13812345678', speaker: 'customer', text: '身份证 11010519491231002X，订单号 2023120512345' },
      ];
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
      const [result] = await scoreFiles({ files: [file], flags: {}, outDir: path.join(dir, 'out'), serverArgs: MODEL_ARGS, progress: false });
      expect(result!.rejected).toEqual([]);
      expect(result!.conversationId).toMatch(/^pii-[0-9a-f]{24}$/u);
      const written = filesUnder(path.join(dir, 'out')).map((f) => readFileSync(f, 'utf8'));
      expect(written.length).toBeGreaterThanOrEqual(3);
      expect(written.join('\n')).toContain('[CARD]');
      expect(written.join('\n')).toContain('2023120512345');
      expect(leaksIn(written.join('\n'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
