import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { analyticsFor } from '../server/analytics/index.ts';
import { scorerFor } from '../server/app.ts';
import { loadConfig, type Config } from '../server/config.ts';
import type { Conversation } from '../server/domain/conversation.ts';
import type { Refusal } from '../server/ingest/accept.ts';
import { offlineScoringFor, scoreOffline } from '../server/ingest/adapters/offline.ts';
import { fileStem } from '../server/summary/files.ts';
import { postContactSummary, type PostContactSummary } from '../server/summary/post-contact.ts';
import type { RapportClient } from './client.ts';
import { readTranscripts, type FileConversation, type TranscriptFlags } from './transcripts.ts';

export interface ScoreOptions {
  files: string[];
  flags: TranscriptFlags;
  outDir: string;
  /** Server options for the model and rules (--model, --emotion-model, --rules ...), as `rapport serve` takes them. */
  serverArgs: string[];
  /** Also send the conversations to a running Rapport, into its QA archive. */
  load?: RapportClient;
  progress: boolean;
}

export interface ScoredConversation {
  file: string;
  format: string;
  conversationId: string;
  roles: FileConversation['roles'];
  turns: number;
  negativeEpisodes: number;
  alerts: { rule: string; severity: string; reason: string }[];
  recovered: boolean;
  /** ConversationCharacteristics.PredictedSatisfaction of the summary, at the top for scripts. */
  predictedSatisfaction?: PostContactSummary['ConversationCharacteristics']['PredictedSatisfaction'];
  contactReason?: PostContactSummary['ContactReason'];
  rejected: Refusal[];
  summary: PostContactSummary;
}

/** The server's configuration for the model and rules; the emotion model is left out when it is not installed. */
function configFrom(serverArgs: string[]): Config {
  const config = loadConfig(['--secret', randomBytes(32).toString('hex'), ...serverArgs], process.env);
  const defaultEmotion = config.emotionModel === 'rapport-emotion';
  if (defaultEmotion && !existsSync(path.join(config.modelsDir, 'rapport-emotion', 'config.json'))) return { ...config, emotionModel: undefined };
  return config;
}

/** Scores transcripts the way a live Rapport would (see scoreOffline), a few conversations at a time. */
export async function scoreFiles(o: ScoreOptions): Promise<ScoredConversation[]> {
  const config = configFrom(o.serverArgs);
  const conversations = await readTranscripts(o.files, o.flags, Date.now());
  const scorer = await scorerFor(config);
  const bar = new cliProgress.SingleBar(
    { format: 'scoring [{bar}] {value}/{total} turns | {conversations} conversations', stream: process.stderr, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const total = conversations.reduce((n, c) => n + c.turns.length, 0);
  if (o.progress) bar.start(total, 0, { conversations: `0/${conversations.length}` });
  const analytics = await analyticsFor(config);
  const offline = offlineScoringFor(config, scorer, analytics);
  const results: ScoredConversation[] = [];
  try {
    // A few at a time: their turns share the scorer's batches.
    const queue = [...conversations];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const scored = await scoreOffline(c.conversationId, c.turns, offline, () => bar.increment());
        results.push(resultOf(c, scored.conversation, scored.rejected));
        if (o.progress) bar.update({ conversations: `${results.length}/${conversations.length}` });
      }
    };
    await Promise.all([1, 2, 3, 4].map(worker));
  } finally {
    if (o.progress) bar.stop();
    await scorer.close();
    await analytics.intents?.dispose();
  }
  results.sort((a, b) => conversations.findIndex((c) => c.conversationId === a.conversationId) - conversations.findIndex((c) => c.conversationId === b.conversationId));
  await writeResults(o.outDir, results);
  if (o.load) {
    for (const c of conversations) {
      await o.load.send(c.turns);
      await o.load.end(c.conversationId);
    }
  }
  return results;
}

function resultOf(c: FileConversation, conversation: Conversation, rejected: Refusal[]): ScoredConversation {
  const summary = postContactSummary(conversation, conversation.endedAt ?? conversation.updatedAt);
  return {
    file: c.file,
    format: c.format,
    conversationId: c.conversationId,
    roles: c.roles,
    turns: conversation.turns.length,
    negativeEpisodes: summary.ConversationCharacteristics.NegativeEpisodes,
    alerts: conversation.alerts.map((a) => ({ rule: a.rule, severity: a.severity, reason: a.reason })),
    recovered: summary.ConversationCharacteristics.Recovered,
    predictedSatisfaction: summary.ConversationCharacteristics.PredictedSatisfaction,
    contactReason: summary.ContactReason,
    rejected,
    summary,
  };
}

function csvLine(cells: readonly unknown[]): string {
  return cells.map((c) => {
    const s = c === undefined || c === null ? '' : String(c);
    return /[",\n\r]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
  }).join(',');
}

async function writeResults(outDir: string, results: readonly ScoredConversation[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const r of results) {
    const stem = path.join(outDir, fileStem(r.conversationId));
    await writeFile(`${stem}.scored.json`, `${JSON.stringify(r, null, 2)}\n`);
    const rows = r.summary.Transcript.map((t) => {
      const alerts = r.summary.Alerts.filter((a) => a.evidence.at(-1) === t.Id).map((a) => `${a.rule}:${a.severity}`);
      return csvLine([t.Id, t.BeginOffsetMillis, t.ParticipantId, t.Content, t.Sentiment, t.SentimentScore, t.Emotion, alerts.join(' ')]);
    });
    await writeFile(`${stem}.scored.csv`, `${[csvLine(['turn_id', 'offset_ms', 'participant', 'text', 'sentiment', 'score', 'emotion', 'alerts']), ...rows].join('\n')}\n`);
  }
  await writeFile(path.join(outDir, 'summary.csv'), `${[csvLine(SUMMARY_COLUMNS), ...results.map((r) => csvLine(summaryRow(r)))].join('\n')}\n`);
}

const SUMMARY_COLUMNS = ['conversation', 'file', 'format', 'turns', 'negative_episodes', 'alerts', 'recovered', 'satisfaction', 'reason', 'roles'];

function summaryRow(r: ScoredConversation): (string | number)[] {
  const roles = r.roles.source === 'format' ? 'from file' : `inferred ${Math.round(r.roles.confidence * 100)}%${r.roles.swapped ? ' swapped' : ''}`;
  const alerts = r.alerts.length === 0 ? '-' : r.alerts.map((a) => `${a.rule} (${a.severity})`).join(', ');
  const satisfaction = r.predictedSatisfaction ? `${r.predictedSatisfaction.Score.toFixed(1)} (${Math.round(r.predictedSatisfaction.Confidence * 100)}%)` : '-';
  return [r.conversationId, path.basename(r.file), r.format, r.turns, r.negativeEpisodes, alerts, r.recovered ? 'yes' : 'no', satisfaction, r.contactReason?.label ?? '-', roles];
}

/** The summary table, for the terminal. */
export function summaryTable(results: readonly ScoredConversation[]): string {
  const rows = [SUMMARY_COLUMNS, ...results.map((r) => summaryRow(r).map(String))];
  const widths = SUMMARY_COLUMNS.map((_, i) => Math.min(60, Math.max(...rows.map((row) => String(row[i]).length))));
  const line = (row: readonly (string | number)[]) => row.map((cell, i) => String(cell).slice(0, 60).padEnd(widths[i]!)).join('  ').trimEnd();
  const totals = `${results.length} conversations, ${results.reduce((n, r) => n + r.turns, 0)} turns, ${results.reduce((n, r) => n + r.negativeEpisodes, 0)} negative episodes, ${results.reduce((n, r) => n + r.alerts.length, 0)} alerts, ${results.filter((r) => r.recovered).length} recovered`;
  return [line(rows[0]!), ...rows.slice(1).map(line), '', totals].join('\n');
}
