/**
 * The wire contract between server and browser, typed the way socket.io types it. Both sides import
 * these maps, so a renamed event or a changed payload fails to compile instead of failing silently.
 */
import type { Alert } from '../domain/alert.ts';
import type { ConversationSummary, ConversationView } from '../domain/conversation.ts';
import type { Prompt, PromptFeedback } from '../domain/prompt.ts';
import type { ScoredTurn, Speaker } from '../domain/turn.ts';
import type { ChurnRisk } from '../quality/churn.ts';
import type { FeedbackInput, FeedbackReport, PromptEffect } from '../quality/feedback.ts';
import type { ConversationMetrics, MetricsReport } from '../quality/metrics.ts';
import type { Sample } from '../quality/sampling.ts';
import type { ScorecardEdit, ScorecardRollup } from '../quality/scorecard.ts';
import type { Checklist, Complaint, Feedback, Scorecard } from '../domain/quality.ts';

export type Ack<T = undefined> = (reply: { ok: true; data?: T } | { ok: false; error: string }) => void;

export interface TurnEvent {
  conversationId: string;
  turn: ScoredTurn;
}

export interface PartialEvent {
  conversationId: string;
  speaker: Speaker;
  text: string;
}

/** The agent's service checklist after an agent turn changed it. */
export interface ChecklistEvent {
  conversationId: string;
  checklist: Checklist;
}

/** /agent: an agent's own conversations only. */
export interface AgentServerToClient {
  snapshot: (conversations: ConversationView[]) => void;
  'conversation:update': (conversation: ConversationSummary) => void;
  turn: (e: TurnEvent) => void;
  partial: (e: PartialEvent) => void;
  prompt: (prompt: Prompt) => void;
  alert: (alert: Alert) => void;
  'alert:update': (alert: Alert) => void;
  checklist: (e: ChecklistEvent) => void;
}

export interface AgentClientToServer {
  'prompt:feedback': (e: { conversationId: string; promptId: string; feedback: PromptFeedback }, ack: Ack) => void;
}

/** A supervisor signed in to the wall now. */
export interface OnlineSupervisor {
  id: string;
  name: string;
}

/** /supervisor: the wall of every live conversation. */
export interface SupervisorServerToClient {
  wall: (tiles: ConversationSummary[]) => void;
  /** Who is on the wall now, sent on every arrival and departure: the people an alert can be assigned to. */
  supervisors: (online: OnlineSupervisor[]) => void;
  /** To the assignee only: an alert was handed to them. */
  'alert:assigned': (e: { alert: Alert; by: string }) => void;
  'conversation:update': (tile: ConversationSummary) => void;
  alert: (alert: Alert) => void;
  'alert:update': (alert: Alert) => void;
  /** Only for conversations the supervisor is watching (the detail drawer). */
  turn: (e: TurnEvent) => void;
  partial: (e: PartialEvent) => void;
  prompt: (prompt: Prompt) => void;
  checklist: (e: ChecklistEvent) => void;
}

export interface SupervisorClientToServer {
  'alert:ack': (e: { alertId: string }, ack: Ack<Alert>) => void;
  /** Hands an alert to a supervisor on the wall now (often oneself), by their id. */
  'alert:assign': (e: { alertId: string; to: string }, ack: Ack<Alert>) => void;
  whisper: (e: { conversationId: string; text: string }, ack: Ack<Prompt>) => void;
  watch: (e: { conversationId: string }, ack: Ack<ConversationView>) => void;
  unwatch: (e: { conversationId: string }) => void;
}

/** /ingest: turns in from a chat platform or speech-to-text bridge. */
export interface IngestResultReply {
  ok: boolean;
  turnId?: string;
  conversationId?: string;
  duplicate?: boolean;
  code?: string;
  errors?: { field: string; message: string }[];
}

export interface IngestClientToServer {
  turn: (turn: unknown, ack: (reply: IngestResultReply) => void) => void;
  'conversation:end': (e: unknown, ack: (reply: IngestResultReply) => void) => void;
}

export type NoEvents = Record<string, never>;

// ---- service-quality REST (server/api/quality.ts) ----------------------------------------------

export type {
  Checklist,
  ChurnRisk,
  Complaint,
  ConversationMetrics,
  Feedback,
  FeedbackReport,
  MetricsReport,
  PromptEffect,
  Sample,
  Scorecard,
  ScorecardEdit,
  ScorecardRollup,
};

/** GET /api/metrics/conversations/:id */
export interface ConversationQualityReport {
  metrics: ConversationMetrics;
  checklist?: Checklist;
  complaints: Complaint[];
  promptEffects: PromptEffect[];
  scorecard?: Scorecard;
}

/** GET /api/conversations: one page of the matches, newest first. */
export interface ConversationPage {
  conversations: ConversationSummary[];
  total: number;
  offset: number;
}

/** GET /api/conversations/facets: what the QA filters offer to choose from. */
export interface ConversationFacets {
  agents: string[];
  customers: string[];
  queues: string[];
}

/** GET /api/churn */
export interface ChurnResponse {
  customers: ChurnRisk[];
}

/** POST /api/qa/samples: the body. `from`/`to` are epoch ms or ISO dates; size, seed and weight default. */
export interface QaSampleRequest {
  from: number | string;
  to: number | string;
  size?: number;
  seed?: string;
  negativeWeight?: number;
}

/** POST /api/qa/samples: the sample and a scorecard per sampled conversation (existing ones kept). */
export interface QaSampleResponse {
  sampleId: string;
  from: number;
  to: number;
  sample: Sample;
  /** Who and when, for each sampled conversation, so QA can tell them apart. */
  conversations: { id: string; agentId?: string; customerId?: string; startedAt: number }[];
  scorecards: Scorecard[];
}

/** GET /api/qa/scorecards/rollup */
export interface ScorecardRollupResponse {
  agents: ScorecardRollup[];
}

/** POST /api/feedback: the body; the reply is the stored `Feedback` (201). */
export interface FeedbackRequest extends FeedbackInput {
  conversationId: string;
}
