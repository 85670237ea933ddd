import { isActive, severityRank, type Alert } from './alert.ts';
import { curveOf, smooth, type CurvePoint } from './curve.ts';
import { detectLanguage, type Language } from './language.ts';
import type { Prompt, PromptFeedback } from './prompt.ts';
import type { Channel, Score, ScoredTurn, SentimentLabel, Speaker, Turn } from './turn.ts';
import type { AfterCallSummary } from './after-call.ts';
import type { ContactReason } from './contact-reason.ts';
import type { PredictedSatisfaction } from './satisfaction.ts';
import { openWaitSince, timingOf, type TimingCharacteristics } from './timing.ts';
import { type Checklist, type Complaint, earliestAckDue, type Feedback, headlineComplaint, type Scorecard } from './quality.ts';

/** One conversation's whole state. Every function here returns a new value; nothing mutates. */
export interface Conversation {
  id: string;
  agentId?: string;
  customerId?: string;
  queue?: string;
  channel: Channel;
  lang: Language;
  status: 'live' | 'ended';
  startedAt: number;
  updatedAt: number;
  endedAt?: number;
  /** Final turns in arrival order, scored. */
  turns: ScoredTurn[];
  /** The latest partial ASR segment per speaker, cleared when that speaker's final turn arrives. */
  partials: Partial<Record<Speaker, { text: string; at: number }>>;
  /** Each speaker's smoothed valence now; null before their first turn. */
  mood: Record<Speaker, number | null>;
  /** When the customer's smoothed valence last went below zero; null while it is not negative. */
  negativeSince: number | null;
  alerts: Alert[];
  prompts: Prompt[];
  /** Turn ids seen, final or partial, so a repeated turnId is idempotent. */
  seenTurnIds: string[];
  qaNote?: string;
  /** Service quality (server/quality): the agent's checklist and the graded negative episodes, kept by the pipeline. */
  checklist?: Checklist;
  complaints?: Complaint[];
  /** This customer's earlier conversations within the repeat-contact window, counted once. */
  priorContacts?: number;
  scorecard?: Scorecard;
  feedback?: Feedback[];
  /** Analytics (server/analytics): why the customer is contacting, settled from their first turns. */
  contactReason?: ContactReason;
  /** The customer's predicted satisfaction after the latest turn. */
  predictedSatisfaction?: PredictedSatisfaction;
  /** The after-call summary so far (issue, commitments, outcome, mood), final once ended. */
  afterCall?: AfterCallSummary;
}

export function newConversation(turn: Turn): Conversation {
  return {
    id: turn.conversationId,
    agentId: turn.agentId,
    customerId: turn.customerId,
    queue: turn.queue,
    channel: turn.channel,
    lang: (turn.lang as Language | undefined) ?? detectLanguage(turn.text),
    status: 'live',
    startedAt: turn.at,
    updatedAt: turn.at,
    turns: [],
    partials: {},
    mood: { customer: null, agent: null },
    negativeSince: null,
    alerts: [],
    prompts: [],
    seenTurnIds: [],
  };
}

export function hasSeen(c: Conversation, turnId: string): boolean {
  return c.seenTurnIds.includes(turnId);
}

/** Fill in who the conversation belongs to when a later turn names it first. */
function withParticipants(c: Conversation, turn: Turn): Conversation {
  return {
    ...c,
    agentId: c.agentId ?? turn.agentId,
    customerId: c.customerId ?? turn.customerId,
    queue: c.queue ?? turn.queue,
  };
}

export function applyPartial(c: Conversation, turn: Turn): Conversation {
  return {
    ...withParticipants(c, turn),
    partials: { ...c.partials, [turn.speaker]: { text: turn.text, at: turn.at } },
    updatedAt: Math.max(c.updatedAt, turn.at),
  };
}

export function applyScoredTurn(c: Conversation, turn: Turn, score: Score): { conversation: Conversation; scored: ScoredTurn } {
  const smoothed = smooth(c.mood[turn.speaker], score.valence, score.confidence, score.lowConfidence);
  const scored: ScoredTurn = { ...turn, score, smoothed };
  const { [turn.speaker]: _cleared, ...partials } = c.partials;
  let negativeSince = c.negativeSince;
  if (turn.speaker === 'customer' && !score.lowConfidence) {
    if (smoothed < 0) negativeSince ??= turn.at;
    else negativeSince = null;
  }
  const conversation: Conversation = {
    ...withParticipants(c, turn),
    turns: [...c.turns, scored],
    partials,
    // A turn too short or factual to judge leaves the mood as it was (still unset before any judged turn).
    mood: score.lowConfidence ? c.mood : { ...c.mood, [turn.speaker]: smoothed },
    negativeSince,
    seenTurnIds: [...c.seenTurnIds, turn.turnId],
    updatedAt: Math.max(c.updatedAt, turn.at),
  };
  return { conversation, scored };
}

export function withAlerts(c: Conversation, changed: readonly Alert[]): Conversation {
  if (changed.length === 0) return c;
  const byId = new Map(c.alerts.map((a) => [a.id, a]));
  for (const a of changed) byId.set(a.id, a);
  return { ...c, alerts: [...byId.values()] };
}

export function withPrompts(c: Conversation, prompts: readonly Prompt[]): Conversation {
  return prompts.length === 0 ? c : { ...c, prompts: [...c.prompts, ...prompts] };
}

/** Replaces prompts by id with their changed copies (an expiry), in place. */
export function withChangedPrompts(c: Conversation, changed: readonly Prompt[]): Conversation {
  if (changed.length === 0) return c;
  const byId = new Map(changed.map((p) => [p.id, p]));
  return { ...c, prompts: c.prompts.map((p) => byId.get(p.id) ?? p) };
}

export function withPromptFeedback(c: Conversation, promptId: string, feedback: PromptFeedback, at: number): { conversation: Conversation; prompt?: Prompt } {
  const prompt = c.prompts.find((p) => p.id === promptId);
  if (!prompt) return { conversation: c };
  const updated = { ...prompt, feedback, feedbackAt: at };
  return { conversation: { ...c, prompts: c.prompts.map((p) => (p.id === promptId ? updated : p)) }, prompt: updated };
}

export function endConversation(c: Conversation, at: number): Conversation {
  if (c.status === 'ended') return c;
  return { ...c, status: 'ended', endedAt: at, partials: {}, updatedAt: Math.max(c.updatedAt, at) };
}

export function withQaNote(c: Conversation, note: string): Conversation {
  return { ...c, qaNote: note };
}

/** The turn a prompt answered: its trigger, or for a whisper the last customer turn before it. */
export function promptTurnOf(c: Conversation, p: Prompt): ScoredTurn | undefined {
  if (p.turnId) return c.turns.find((t) => t.turnId === p.turnId);
  return c.turns.filter((t) => t.speaker === 'customer' && t.at <= p.at).at(-1);
}

// ---- derived views ---------------------------------------------------------------------------

const RECOVERY_THRESHOLD = 0.2;
/**
 * With a satisfaction estimate, "ended satisfied" is read from it (Score on 1-5): it orders human
 * satisfaction ratings better than the end mood does (docs/QUALITY.md, models/rapport-satisfaction).
 */
export const RECOVERED_SATISFACTION = 3.5;
/** How long a negative mood must last to count fully in the risk score. */
const NEGATIVE_DURATION_FULL_MS = 120_000;

/**
 * "Who needs help now", 0-100. Half is how negative the customer is now, a fifth how long it has
 * lasted, the rest the worst alert still waiting for a supervisor (acknowledged alerts count half,
 * since someone is already on it).
 */
export function riskOf(c: Conversation, now: number): number {
  if (c.status === 'ended') return 0;
  const negativity = Math.max(0, -(c.mood.customer ?? 0));
  const duration = c.negativeSince === null ? 0 : Math.min(1, (now - c.negativeSince) / NEGATIVE_DURATION_FULL_MS);
  const alertWeight = c.alerts.filter(isActive).reduce((worst, a) => {
    const w = [0.2, 0.6, 1][severityRank(a.severity)]! * (a.state === 'acknowledged' ? 0.5 : 1);
    return Math.max(worst, w);
  }, 0);
  return Math.round(100 * (0.5 * negativity + 0.2 * duration + 0.3 * alertWeight));
}

/** What a wall tile or a list row shows: the conversation's identity and figures, without its turns. */
export interface ConversationSummary
  extends Pick<Conversation, 'id' | 'agentId' | 'customerId' | 'queue' | 'channel' | 'lang' | 'status' | 'startedAt' | 'updatedAt' | 'endedAt' | 'mood'> {
  turnCount: number;
  lastLabel?: SentimentLabel;
  lastEmotion?: string;
  /** The customer's smoothed curve, last 30 points, for sparklines. */
  sparkline: number[];
  openAlerts: number;
  alertsTotal: number;
  worstOpenSeverity?: Alert['severity'];
  risk: number;
  startSentiment: number | null;
  endSentiment: number | null;
  /** Started negative and ended positive: satisfied by the estimate where there is one, else by mood. */
  recovered: boolean;
  /** The complaint to show: the highest grade, the latest of equals, with its deadlines. */
  complaint?: Complaint;
  /** The earliest acknowledgement deadline of an open alert, for the wall's countdown. */
  ackDueAt?: number;
  checklistScore?: number;
  contactReason?: ContactReason;
  predictedSatisfaction?: PredictedSatisfaction;
  /** A live chat whose customer is waiting for an agent reply: since when (the wall tile counts up from it). */
  waitingSince?: number;
}

export function summarize(c: Conversation, now: number): ConversationSummary {
  const customer = c.turns.filter((t) => t.speaker === 'customer');
  const first = customer[0];
  const last = customer.at(-1);
  const active = c.alerts.filter(isActive);
  const worst = active.reduce<Alert['severity'] | undefined>(
    (w, a) => (w === undefined || severityRank(a.severity) > severityRank(w) ? a.severity : w),
    undefined,
  );
  const startSentiment = first?.smoothed ?? null;
  const endSentiment = last?.smoothed ?? null;
  return {
    id: c.id,
    agentId: c.agentId,
    customerId: c.customerId,
    queue: c.queue,
    channel: c.channel,
    lang: c.lang,
    status: c.status,
    startedAt: c.startedAt,
    updatedAt: c.updatedAt,
    endedAt: c.endedAt,
    turnCount: c.turns.length,
    mood: c.mood,
    lastLabel: last?.score.label,
    lastEmotion: last?.score.emotion?.label,
    sparkline: customer.slice(-30).map((t) => Number(t.smoothed.toFixed(3))),
    openAlerts: active.length,
    alertsTotal: c.alerts.length,
    worstOpenSeverity: worst,
    risk: riskOf(c, now),
    startSentiment,
    endSentiment,
    recovered:
      startSentiment !== null &&
      endSentiment !== null &&
      startSentiment < -RECOVERY_THRESHOLD &&
      (c.predictedSatisfaction ? c.predictedSatisfaction.Score >= RECOVERED_SATISFACTION : endSentiment > RECOVERY_THRESHOLD),
    complaint: headlineComplaint(c.complaints ?? []),
    ackDueAt: earliestAckDue(c.alerts),
    checklistScore: c.checklist?.score,
    contactReason: c.contactReason,
    predictedSatisfaction: c.predictedSatisfaction,
    waitingSince: c.status === 'live' && c.channel === 'chat' ? openWaitSince(c.turns)?.since : undefined,
  };
}

/** Everything a screen shows about one conversation. */
export interface ConversationView extends ConversationSummary {
  turns: ScoredTurn[];
  partials: Conversation['partials'];
  alerts: Alert[];
  prompts: Prompt[];
  curve: Record<Speaker, CurvePoint[]>;
  qaNote?: string;
  checklist?: Checklist;
  complaints: Complaint[];
  /** Talk and wait signals (server/domain/timing.ts), as in the post-contact summary. */
  characteristics: TimingCharacteristics;
  afterCall?: AfterCallSummary;
}

export function viewOf(c: Conversation, now: number): ConversationView {
  return {
    ...summarize(c, now),
    turns: c.turns,
    partials: c.partials,
    alerts: c.alerts,
    prompts: c.prompts,
    curve: { customer: curveOf(c.turns, 'customer'), agent: curveOf(c.turns, 'agent') },
    qaNote: c.qaNote,
    checklist: c.checklist,
    complaints: c.complaints ?? [],
    characteristics: timingOf(c, now),
    afterCall: c.afterCall,
  };
}
