import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Alert } from '../../server/domain/alert.ts';
import { RapportClient } from '../../bin/client.ts';
import { replay } from '../../bin/replay.ts';
import { scoreFiles, summaryTable } from '../../bin/score.ts';
import { readTranscripts } from '../../bin/transcripts.ts';
import { connectAs, MODEL_ARGS, nextEvent, startRapport, TEST_SECRET, tokenFor } from '../support/server.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const SAMPLES = ['contact-lens-realtime.jsonl', 'contact-lens-post-call.json', 'genesys-transcription.json', 'call.vtt', 'call.srt', 'chat.jsonl', 'chat-export.csv'];
const ROOT = path.join(import.meta.dirname, '..', '..');

let rapport: Rapport;
let ingestToken: string;
let supervisor: Socket;
let out: string;

beforeAll(async () => {
  rapport = await startRapport();
  ingestToken = await tokenFor(rapport, 'ingest', 'test-bridge');
  supervisor = await connectAs(rapport, '/supervisor', await tokenFor(rapport, 'supervisor', 'sam'));
  out = await mkdtemp(path.join(tmpdir(), 'rapport-score-'));
});

afterAll(async () => {
  supervisor?.close();
  await rapport?.close();
  await rm(out, { recursive: true, force: true });
});

describe('POST /api/ingest/:format', () => {
  const post = (format: string, body: string, type: string, query = '') =>
    fetch(`${rapport.url}/api/ingest/${format}${query}`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${ingestToken}` }, body });

  it('takes a vendor payload as live turns and ends the conversation when the vendor says so', async () => {
    const notifications = (await readFile(path.join(FIXTURES, 'genesys-transcription.json'), 'utf8')).replaceAll('c4a8e2f0-1d3b-4e5f-8a9b-0c1d2e3f4a5b', 'genesys-live-1');
    const res = await post('genesys', notifications, 'application/json');
    expect(res.status).toBe(202);
    const body = (await res.json()) as { conversations: { conversationId: string; accepted: number; ended: boolean; roles: { source: string } }[] };
    expect(body.conversations).toEqual([expect.objectContaining({ conversationId: 'genesys-live-1', accepted: 9, ended: true, roles: expect.objectContaining({ source: 'format' }) })]);
    const supervisorToken = await tokenFor(rapport, 'supervisor', 'sam');
    const summary = await fetch(`${rapport.url}/api/conversations/genesys-live-1/summary`, { headers: { authorization: `Bearer ${supervisorToken}` } });
    expect(summary.status).toBe(200);
    expect(await summary.json()).toMatchObject({ ContactId: 'genesys-live-1', Channel: 'VOICE', Participants: [{ ParticipantRole: 'AGENT' }, { ParticipantRole: 'CUSTOMER' }] });
  });

  it('takes text formats as text, with roles inferred and swappable', async () => {
    const vtt = await readFile(path.join(FIXTURES, 'call.vtt'), 'utf8');
    const res = await post('webvtt', vtt, 'text/vtt', '?conversationId=vtt-live&swapRoles=true&end=false');
    expect(res.status).toBe(202);
    const [c] = ((await res.json()) as { conversations: { roles: { agentParty: string; swapped: boolean }; ended: boolean }[] }).conversations;
    expect(c).toMatchObject({ roles: { agentParty: 'Dana', swapped: true }, ended: false });
    await rapport.pipeline.idle();
    const stored = await rapport.store.get('vtt-live');
    expect(stored?.status).toBe('live');
    expect(stored?.turns[0]).toMatchObject({ speaker: 'customer', text: expect.stringContaining('Thank you for calling') });
  });

  it('swaps the roles of an ended conversation with one action, re-scoring it', async () => {
    const vtt = await readFile(path.join(FIXTURES, 'call.vtt'), 'utf8');
    expect((await post('webvtt', vtt, 'text/vtt', '?conversationId=vtt-swap&swapRoles=true')).status).toBe(202);
    await rapport.pipeline.idle();
    const wrong = await rapport.store.get('vtt-swap');
    // The customer's threat to cancel was put in the agent's mouth, where no rule looks for it.
    expect(wrong?.alerts.filter((a) => a.rule === 'escalation-phrase')).toEqual([]);

    const qa = await tokenFor(rapport, 'qa', 'quinn');
    const swap = (id: string) => fetch(`${rapport.url}/api/conversations/${id}/swap-roles`, { method: 'POST', headers: { authorization: `Bearer ${qa}` } });
    const res = await swap('vtt-swap');
    expect(res.status).toBe(200);
    const view = (await res.json()) as { turns: { speaker: string; text: string }[]; alerts: { rule: string }[]; status: string };
    expect(view.status).toBe('ended');
    expect(view.turns[0]).toMatchObject({ speaker: 'agent', text: expect.stringContaining('Thank you for calling') });
    expect(view.alerts.map((a) => a.rule)).toContain('escalation-phrase');
    expect((await rapport.store.get('vtt-swap'))?.turns[0]?.speaker).toBe('agent');
    expect((await swap('vtt-live')).status).toBe(409);
    expect((await swap('no-such-conversation')).status).toBe(404);
  });

  it('keeps what people wrote about a conversation when its roles are swapped, and swaps it in its order', async () => {
    const vtt = await readFile(path.join(FIXTURES, 'call.vtt'), 'utf8');
    expect((await post('webvtt', vtt, 'text/vtt', '?conversationId=vtt-qa&swapRoles=true')).status).toBe(202);
    await rapport.pipeline.idle();
    const qa = await tokenFor(rapport, 'qa', 'quinn');
    const send = (method: string, route: string, body?: unknown) =>
      fetch(`${rapport.url}${route}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${qa}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    // QA scored a criterion no auto-fill answers; the greeting was auto-filled from the wrong speaker's turns.
    expect((await send('PUT', '/api/qa/scorecards/vtt-qa', { criteria: [{ id: 'accuracy', score: 3, note: 'quoted the right fee' }], comment: 'listen to the refund part' })).status).toBe(200);
    const wrong = (await rapport.store.get('vtt-qa'))!;
    expect(wrong.scorecard?.criteria.find((k) => k.id === 'greeting')).toMatchObject({ source: 'auto', score: 0 });
    const target = wrong.alerts[0] ? { target: 'alert', id: wrong.alerts[0].id } : { target: 'prompt', id: wrong.prompts[0]!.id };
    expect((await send('POST', '/api/feedback', { conversationId: 'vtt-qa', ...target, verdict: 'wrong', correctLabel: 'negative' })).status).toBe(201);

    const metrics = await tokenFor(rapport, 'metrics', 'prometheus');
    const modelCalls = async () => {
      const text = await (await fetch(`${rapport.url}/metrics`, { headers: { authorization: `Bearer ${metrics}` } })).text();
      return [...text.matchAll(/^rapport_scoring_batch_size_count\{[^}]*\} (\d+)$/gmu)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const before = await modelCalls();
    const swapping = send('POST', '/api/conversations/vtt-qa/swap-roles');
    // Once the re-scoring has reached the model, a note is written: it must not be lost under the swapped conversation.
    while ((await modelCalls()) === before) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await send('PUT', '/api/conversations/vtt-qa/note', { note: 'customer asked for a callback' })).status).toBe(200);
    expect((await swapping).status).toBe(200);

    const swapped = (await rapport.store.get('vtt-qa'))!;
    expect(swapped.turns[0]).toMatchObject({ speaker: 'agent', text: expect.stringContaining('Thank you for calling') });
    expect(swapped.qaNote).toBe('customer asked for a callback');
    expect(swapped.scorecard).toMatchObject({ comment: 'listen to the refund part', status: 'draft' });
    expect(swapped.scorecard?.criteria.find((k) => k.id === 'accuracy')).toMatchObject({ score: 3, source: 'qa', note: 'quoted the right fee' });
    // The auto-fill follows the re-scored conversation: the agent's greeting is now the agent's.
    expect(swapped.scorecard?.criteria.find((k) => k.id === 'greeting')).toMatchObject({ source: 'auto', score: 4 });
    expect(swapped.feedback).toEqual([expect.objectContaining({ targetId: target.id, verdict: 'wrong', correctLabel: 'negative', by: 'quinn' })]);
  });

  it('refuses a query option it cannot read, naming it, instead of ignoring it', async () => {
    const vtt = await readFile(path.join(FIXTURES, 'call.vtt'), 'utf8');
    for (const [query, field] of [
      ['?conversationId=q-1&startAt=yesterday', 'startAt'],
      ['?conversationId=q-1&swapRoles=yes', 'swapRoles'],
      ['?conversationId=a%20b', 'conversationId'],
      ['?conversationId=q-1&swaproles=true', '(query)'],
    ]) {
      const res = await post('webvtt', vtt, 'text/vtt', query);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field), query).toEqual([field]);
    }
    expect(await rapport.store.get('q-1')).toBeUndefined();
  });

  it('refuses a malformed payload naming the line, and an unknown format', async () => {
    const res = await post('srt', '1\n00:00:01,000 -> 00:00:02,000\nhello\n', 'text/plain', '?conversationId=bad-srt');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ field: 'line 2', message: expect.stringContaining('expected a cue timing') }] });
    expect((await post('teams', '{}', 'application/json')).status).toBe(404);
  });
});

describe('rapport score', () => {
  it('scores every sample file, writes JSON and CSV per conversation and a summary, and loads the archive', async () => {
    const results = await scoreFiles({
      files: SAMPLES.map((f) => path.join(FIXTURES, f)),
      flags: {},
      outDir: out,
      serverArgs: MODEL_ARGS,
      load: new RapportClient(rapport.url, ingestToken),
      progress: false,
    });
    expect(results.map((r) => path.basename(r.file))).toEqual(SAMPLES);
    for (const r of results) {
      expect(r.rejected).toEqual([]);
      expect(r.turns).toBe(9);
      // The customer threatens to cancel: the escalation-phrase rule fires whatever the model says.
      expect(r.alerts.map((a) => a.rule)).toContain('escalation-phrase');
      expect(r.summary.Transcript).toHaveLength(9);
      expect(r.summary.Checklist.find((c) => c.Item === 'greeting')?.Status).toBe('DONE');
      expect(r.negativeEpisodes).toBe(r.summary.Complaints.length);
      // Analytics: the same estimate at the top and in the summary; the outage is the reason.
      expect(r.predictedSatisfaction).toEqual(r.summary.ConversationCharacteristics.PredictedSatisfaction);
      expect(r.predictedSatisfaction!.Score).toBeGreaterThanOrEqual(1);
      expect(r.predictedSatisfaction!.Confidence).toBeGreaterThan(0);
      expect(r.contactReason?.id).toBe('outage');
    }
    // The calls carry their turn ends: 23 s of agent talk in every voice format.
    for (const r of results.filter((x) => x.summary.Channel === 'VOICE')) {
      expect(r.summary.ConversationCharacteristics.TalkTime?.DetailsByParticipant.AGENT.TotalTimeMillis).toBe(23_000);
    }
    const files = await readdir(out);
    expect(files).toContain('summary.csv');
    expect(files.filter((f) => f.endsWith('.scored.json'))).toHaveLength(SAMPLES.length);
    expect(files.filter((f) => f.endsWith('.scored.csv'))).toHaveLength(SAMPLES.length);
    const csv = await readFile(path.join(out, 'call.vtt.scored.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('turn_id,offset_ms,participant,text,sentiment,valence,emotion,alerts');
    // The screens' scale: every turn's valence lies in -1..1 and matches the scored JSON.
    const vtt = results.find((r) => r.file.endsWith('call.vtt'))!;
    const valences = csv.trim().split('\n').slice(1).map((line) => Number(line.split(',').at(-3)));
    expect(valences).toEqual(vtt.valence.map((v) => Number(v.toFixed(3))));
    expect(valences.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(csv).toContain('escalation-phrase:');
    expect(summaryTable(results)).toContain(`${SAMPLES.length} conversations, 63 turns`);

    // Loaded into the running Rapport: ended conversations in the QA archive, scored there too.
    const qa = await tokenFor(rapport, 'qa', 'quinn');
    const res = await fetch(`${rapport.url}/api/conversations?status=ended&hasAlerts=true`, { headers: { authorization: `Bearer ${qa}` } });
    const archived = ((await res.json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id);
    for (const r of results) expect(archived).toContain(r.conversationId);
  });

  it("writes a customer's formula into the transcript CSV as text, not as a formula", async () => {
    const dir = path.join(out, 'formulas');
    const file = path.join(out, 'formulas.jsonl');
    const said = '=HYPERLINK("http://evil.example","refund")';
    await writeFile(file, `${JSON.stringify({ conversationId: 'formula-1', speaker: 'customer', text: said, at: Date.UTC(2026, 0, 1) })}\n`);
    await scoreFiles({ files: [file], flags: {}, outDir: dir, serverArgs: MODEL_ARGS, progress: false });
    const [, row] = parse(await readFile(path.join(dir, 'formula-1.scored.csv'), 'utf8')) as string[][];
    expect(row![3]).toBe(`'${said}`);
  });

  it('runs as a command and says where it wrote; its default folder is one git ignores', async () => {
    const dir = path.join(out, 'from-command');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/rapport.ts', 'score', 'test/fixtures/chat.jsonl', '--out', dir, ...MODEL_ARGS], { cwd: ROOT });
    expect(stdout).toContain(`written to ${dir}: <id>.scored.json and <id>.scored.csv per conversation, and summary.csv`);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['summary.csv', 'chat-5531.scored.csv', 'chat-5531.scored.json']));
    // Exit status 0 only when the path is ignored.
    await promisify(execFile)('git', ['check-ignore', '--quiet', 'scored/chat-5531.scored.csv'], { cwd: ROOT });
  });
});

describe('rapport replay', () => {
  it('streams each sample file as live turns; its alerts appear on the wall', async () => {
    for (const sample of SAMPLES) {
      const conversations = await readTranscripts([path.join(FIXTURES, sample)], {}, 0);
      const idSuffix = `-wall-${SAMPLES.indexOf(sample)}`;
      const alert = nextEvent<Alert>(supervisor, 'alert', (a) => a.conversationId === `${conversations[0]!.conversationId}${idSuffix}`);
      const done = await replay(conversations, new RapportClient(rapport.url, ingestToken), { speed: 1000, idSuffix, copies: 1, progress: false });
      expect(done).toEqual({ turns: conversations[0]!.turns.length, conversations: 1 });
      expect((await alert).rule).toBe('escalation-phrase');
    }
  });

  it('runs as a command, signing in with the shared secret', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bin/rapport.ts', 'replay', 'test/fixtures/chat.jsonl', '--speed', '1000', '--url', rapport.url, '--id-suffix=-cmd'],
      { cwd: ROOT, env: { ...process.env, RAPPORT_SECRET: TEST_SECRET } },
    );
    expect(stdout).toContain('replayed 9 turns of 1 conversations');
    const c = await rapport.store.get('chat-5531-cmd');
    expect(c?.status).toBe('ended');
    expect(c?.turns).toHaveLength(9);
  });
});
