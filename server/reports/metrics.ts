import { summarize, type Conversation } from '../domain/conversation.ts';
import type { Severity } from '../domain/alert.ts';
import type { QualityConfig } from '../quality/index.ts';
import { type ComplaintGrade, headlineComplaint } from '../domain/quality.ts';
import { timingOf } from '../domain/timing.ts';
import { mean, roundTo } from '../lib/index.ts';

/**
 * Recovery and agent metrics. Per conversation: where the customer started and ended, whether they
 * recovered, how long they were negative, how fast alerts were acknowledged, the checklist score,
 * and for chats how fast the agent replied against the response standard. Per agent and team:
 * averages of those, and the service star (see `starOf`).
 */

export interface AlertResponse {
  alertId: string;
  rule: string;
  severity: Severity;
  openedAt: number;
  /** From opened to acknowledged; null while nobody has acknowledged it. */
  responseMs: number | null;
  escalations: number;
}

export interface ConversationMetrics {
  conversationId: string;
  agentId?: string;
  customerId?: string;
  team: string;
  status: 'live' | 'ended';
  startedAt: number;
  endedAt?: number;
  startSentiment: number | null;
  endSentiment: number | null;
  /** end - start; null without customer turns. */
  sentimentChange: number | null;
  /** Started negative and ended positive (the thresholds of `summarize`). */
  recovered: boolean;
  startedNegative: boolean;
  /** Time the customer's smoothed mood spent below zero. */
  negativeMs: number;
  alerts: AlertResponse[];
  checklistScore: number | null;
  worstComplaint?: ComplaintGrade;
  /** The per-conversation quality q of the star formula, 0..1; null without customer turns. */
  quality: number | null;
  /** Chats: the customer's first message to the agent's first reply (AgentFirstResponseTimeInMillis); null for calls and unanswered chats. */
  firstResponseMs: number | null;
  /** Chats: agent replies to a waiting customer (answered CustomerWaits); 0 for calls. */
  replies: number;
  /** Of those, the ones that came within metrics.responseStandardSeconds. */
  repliesWithinStandard: number;
  /** The replies' waits added up, so averages over several conversations weigh every reply alike. */
  totalResponseMs: number;
}

type MetricsConfig = QualityConfig['metrics'];

export function teamOf(config: MetricsConfig, agentId: string | undefined, queue: string | undefined): string {
  const team = Object.entries(config.teams).find(([, agents]) => agentId !== undefined && agents.includes(agentId));
  return team?.[0] ?? queue ?? 'unassigned';
}

/** Time below zero: each negative customer turn counts until the next customer turn (or the end). */
export function negativeMsOf(c: Conversation, now: number): number {
  const customer = c.turns.filter((t) => t.speaker === 'customer');
  const until = c.endedAt ?? Math.max(now, c.updatedAt);
  return customer.reduce((sum, t, i) => (t.smoothed < 0 ? sum + Math.max(0, (customer[i + 1]?.at ?? until) - t.at) : sum), 0);
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * q = wEnd·endTerm + wChange·(clamp(end−start, −1, 1)+1)/2 + wChecklist·checklist, normalised by the
 * weights, where endTerm = (PredictedSatisfaction.Score − 1)/4 when the conversation has an estimate
 * (it orders human satisfaction ratings better than the end mood) and (end+1)/2 otherwise. Where
 * the customer ended, how far the agent moved them, and whether the service standard was kept; a
 * missing checklist drops its term rather than counting as zero.
 */
export function qualityOf(config: MetricsConfig, start: number | null, end: number | null, checklist: number | null, satisfaction?: number): number | null {
  if (start === null || end === null) return null;
  const w = config.star.weights;
  const terms: [number, number][] = [
    [w.endMood, satisfaction === undefined ? (end + 1) / 2 : (satisfaction - 1) / 4],
    [w.moodChange, (clamp(end - start, -1, 1) + 1) / 2],
  ];
  if (checklist !== null) terms.push([w.checklist, checklist]);
  const weight = terms.reduce((s, [wt]) => s + wt, 0);
  return weight === 0 ? null : terms.reduce((s, [wt, v]) => s + wt * v, 0) / weight;
}

/** A chat's agent replies against the response standard; calls have no replies (their timing is talk and silence). */
export function responseTimesOf(
  c: Pick<Conversation, 'turns' | 'channel' | 'startedAt' | 'status'>,
  standardSeconds: number,
  now: number,
): Pick<ConversationMetrics, 'firstResponseMs' | 'replies' | 'repliesWithinStandard' | 'totalResponseMs'> {
  const chat = timingOf(c, now).ChatMetrics;
  const answered = (chat?.CustomerWaits ?? []).filter((w) => w.Answered);
  return {
    firstResponseMs: chat?.AgentFirstResponseTimeInMillis ?? null,
    replies: answered.length,
    repliesWithinStandard: answered.filter((w) => w.DurationMillis <= standardSeconds * 1000).length,
    totalResponseMs: answered.reduce((ms, w) => ms + w.DurationMillis, 0),
  };
}

export function conversationMetrics(c: Conversation, config: MetricsConfig, now: number): ConversationMetrics {
  const s = summarize(c, now);
  const checklistScore = c.checklist?.score ?? null;
  return {
    conversationId: c.id,
    agentId: c.agentId,
    customerId: c.customerId,
    team: teamOf(config, c.agentId, c.queue),
    status: c.status,
    startedAt: c.startedAt,
    endedAt: c.endedAt,
    startSentiment: s.startSentiment,
    endSentiment: s.endSentiment,
    sentimentChange: s.startSentiment === null || s.endSentiment === null ? null : s.endSentiment - s.startSentiment,
    recovered: s.recovered,
    startedNegative: s.startSentiment !== null && s.startSentiment < 0,
    negativeMs: negativeMsOf(c, now),
    alerts: c.alerts.map((a) => ({
      alertId: a.id,
      rule: a.rule,
      severity: a.severity,
      openedAt: a.openedAt,
      responseMs: a.acknowledgedAt === undefined ? null : a.acknowledgedAt - a.openedAt,
      escalations: a.escalations?.length ?? 0,
    })),
    checklistScore,
    worstComplaint: headlineComplaint(c.complaints ?? [])?.grade,
    quality: qualityOf(config, s.startSentiment, s.endSentiment, checklistScore, c.predictedSatisfaction?.Score),
    ...responseTimesOf(c, config.responseStandardSeconds, now),
  };
}

export interface Aggregate {
  conversations: number;
  avgStartSentiment: number | null;
  avgEndSentiment: number | null;
  avgSentimentChange: number | null;
  /** Recovered / started negative; null when none started negative. */
  recoveryRate: number | null;
  startedNegative: number;
  avgNegativeMs: number | null;
  alerts: number;
  avgAlertResponseMs: number | null;
  /** Alerts nobody acknowledged. */
  unacknowledgedAlerts: number;
  escalations: number;
  avgChecklistScore: number | null;
  avgQuality: number | null;
  /** Over the chats the agent answered; calls and unanswered chats are left out, not counted as zero. */
  avgFirstResponseMs: number | null;
  /** Chat replies in all. */
  replies: number;
  /** Over every reply (not per conversation); null without replies. */
  avgResponseMs: number | null;
  /** Replies within the response standard / replies; null without replies. */
  withinStandardRate: number | null;
}

export interface AgentMetrics extends Aggregate {
  agentId: string;
  team: string;
  /** The shrunk quality, 0..1: what the ranking sorts by. */
  star: number;
  /** star on a 1..5 scale, one decimal. */
  stars: number;
  /** How much of the star is the agent's own record rather than the team prior: n / (n + k). */
  confidence: number;
  rank: number;
}

export interface TeamMetrics extends Aggregate {
  team: string;
  agents: number;
}

export interface MetricsReport {
  from?: number;
  to?: number;
  team?: string;
  formula: string;
  /** metrics.responseStandardSeconds, the standard withinStandardRate counts against. */
  responseStandardSeconds: number;
  overall: Aggregate;
  teams: TeamMetrics[];
  /** Ranked by star, best first. */
  agents: AgentMetrics[];
}

const round = roundTo;
const present = <T>(xs: readonly (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

export function aggregate(ms: readonly ConversationMetrics[]): Aggregate {
  const alerts = ms.flatMap((m) => m.alerts);
  const negative = ms.filter((m) => m.startedNegative);
  const replies = ms.reduce((n, m) => n + m.replies, 0);
  const perReply = (x: number) => (replies === 0 ? null : x / replies);
  return {
    conversations: ms.length,
    avgStartSentiment: round(mean(present(ms.map((m) => m.startSentiment)))),
    avgEndSentiment: round(mean(present(ms.map((m) => m.endSentiment)))),
    avgSentimentChange: round(mean(present(ms.map((m) => m.sentimentChange)))),
    recoveryRate: negative.length === 0 ? null : round(negative.filter((m) => m.recovered).length / negative.length),
    startedNegative: negative.length,
    avgNegativeMs: round(mean(ms.map((m) => m.negativeMs)), 0),
    alerts: alerts.length,
    avgAlertResponseMs: round(mean(present(alerts.map((a) => a.responseMs))), 0),
    unacknowledgedAlerts: alerts.filter((a) => a.responseMs === null).length,
    escalations: alerts.reduce((s, a) => s + a.escalations, 0),
    avgChecklistScore: round(mean(present(ms.map((m) => m.checklistScore)))),
    avgQuality: round(mean(present(ms.map((m) => m.quality)))),
    avgFirstResponseMs: round(mean(present(ms.map((m) => m.firstResponseMs))), 0),
    replies,
    avgResponseMs: round(perReply(ms.reduce((sum, m) => sum + m.totalResponseMs, 0)), 0),
    withinStandardRate: round(perReply(ms.reduce((n, m) => n + m.repliesWithinStandard, 0))),
  };
}

/**
 * The service star: the agent's mean q shrunk toward their team's mean q as if they had k more
 * conversations at the team mean, star = (n·mean + k·teamMean) / (n + k). A newcomer with two lucky
 * calls lands near the team mean instead of at the top, and the more an agent's record says, the
 * more it counts.
 */
export function starOf(qualities: readonly number[], teamMean: number, k: number): number {
  const n = qualities.length;
  return n + k === 0 ? teamMean : (qualities.reduce((a, b) => a + b, 0) + k * teamMean) / (n + k);
}

const STAR_FORMULA =
  'q = (wEnd·endTerm + wChange·(clamp(end−start,−1,1)+1)/2 + wChecklist·checklist) / (sum of weights), endTerm = (predicted satisfaction − 1)/4, or (end+1)/2 without an estimate; star = (Σq + k·teamMean) / (n + k); stars = 1 + 4·star';

export function metricsReport(
  conversations: readonly Conversation[],
  config: MetricsConfig,
  now: number,
  period: { from?: number; to?: number; team?: string } = {},
): MetricsReport {
  const all = conversations.map((c) => conversationMetrics(c, config, now)).filter((m) => period.team === undefined || m.team === period.team);
  const byTeam = groupBy(all, (m) => m.team);
  const teamMeans = new Map([...byTeam].map(([team, ms]) => [team, mean(present(ms.map((m) => m.quality))) ?? 0.5]));
  const k = config.star.priorConversations;

  const agents = [...groupBy(all.filter((m) => m.agentId !== undefined), (m) => m.agentId!)].map(([agentId, ms]) => {
    const team = ms[0]!.team;
    const star = starOf(present(ms.map((m) => m.quality)), teamMeans.get(team)!, k);
    const n = present(ms.map((m) => m.quality)).length;
    return {
      agentId,
      team,
      ...aggregate(ms),
      star: round(star)!,
      stars: Number((1 + 4 * star).toFixed(1)),
      confidence: round(n + k === 0 ? 1 : n / (n + k))!,
      rank: 0,
    };
  });
  agents.sort((a, b) => b.star - a.star || b.conversations - a.conversations || a.agentId.localeCompare(b.agentId));
  agents.forEach((a, i) => (a.rank = i + 1));

  return {
    ...period,
    formula: STAR_FORMULA,
    responseStandardSeconds: config.responseStandardSeconds,
    overall: aggregate(all),
    teams: [...byTeam].map(([team, ms]) => ({ team, agents: new Set(ms.map((m) => m.agentId)).size, ...aggregate(ms) })),
    agents,
  };
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const x of xs) groups.set(key(x), [...(groups.get(key(x)) ?? []), x]);
  return groups;
}
