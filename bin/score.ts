import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { analyticsFor } from '../server/analytics/index.ts';
import { offlinePipelinesFor, scorerFor } from '../server/compose.ts';
import { loadConfig, type Config } from '../server/config.ts';
import type { Conversation } from '../server/domain/conversation.ts';
import type { Refusal } from '../server/ingest/accept.ts';
import { scoreOffline } from '../server/ingest/adapters/offline.ts';
import { fileStem, postContactSummary, type PostContactSummary } from '../server/reports/index.ts';
import type { RapportClient } from './client.ts';
import { readTranscripts, type FileConversation, type TranscriptFlags } from './transcripts.ts';
import { stringify as stringifyCsv } from 'csv-stringify/sync';

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
  /** Each turn's valence in transcript order, -1..1 as on the screens and in QA exports (the summary's SentimentScore is Contact Lens's -5..5). */
  valence: number[];
  summary: PostContactSummary;
}

/** The server's configuration for the model and rules; the emotion model is left out when it is not installed. */
function configFrom(serverArgs: string[]): Config {
  const config = loadConfig(['--secret', randomBytes(32).toString('hex'), ...serverArgs]);
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
  const offline = offlinePipelinesFor(config, scorer, analytics);
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
    // As stored: an id that carries PII is a pseudonym there too.
    conversationId: conversation.id,
    roles: c.roles,
    turns: conversation.turns.length,
    negativeEpisodes: summary.ConversationCharacteristics.NegativeEpisodes,
    alerts: conversation.alerts.map((a) => ({ rule: a.rule, severity: a.severity, reason: a.reason })),
    recovered: summary.ConversationCharacteristics.Recovered,
    predictedSatisfaction: summary.ConversationCharacteristics.PredictedSatisfaction,
    contactReason: summary.ContactReason,
    rejected,
    valence: conversation.turns.map((t) => t.score.valence),
    summary,
  };
}

async function writeResults(outDir: string, results: readonly ScoredConversation[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const r of results) {
    const stem = path.join(outDir, fileStem(r.conversationId));
    await writeFile(`${stem}.scored.json`, `${JSON.stringify(r, null, 2)}\n`);
    const rows = r.summary.Transcript.map((t, i) => {
      const alerts = r.summary.Alerts.filter((a) => a.evidence.at(-1) === t.Id).map((a) => `${a.rule}:${a.severity}`);
      // Valence stays a number, so a negative one is not taken for a formula (CSV_OPTIONS).
      return [t.Id, t.BeginOffsetMillis, t.ParticipantId, t.Content, t.Sentiment, Number(r.valence[i]!.toFixed(3)), t.Emotion, alerts.join(' ')];
    });
    await writeFile(`${stem}.scored.csv`, stringifyCsv([['turn_id', 'offset_ms', 'participant', 'text', 'sentiment', 'valence', 'emotion', 'alerts'], ...rows], CSV_OPTIONS));
  }
  await writeFile(path.join(outDir, 'summary.csv'), stringifyCsv([SUMMARY_COLUMNS, ...results.map(summaryRow)]));
}

/**
 * A cell of a transcript CSV that starts like a formula ("=", "+", "-", "@") gets a leading "'": what a
 * customer typed stays text in a spreadsheet. The summary holds no transcript text.
 */
const CSV_OPTIONS = { escape_formulas: true };

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
