/**
 * The REST half of the wire contract: what each route the screens call takes and replies. The
 * server's routes check their replies against `RestReplies` (`satisfies`), and the client's `Api`
 * reads them by the same names, so both sides compile against one definition.
 */
import type { Principal } from '../auth/tokens.ts';
import type { Alert } from '../domain/alert.ts';
import type { ConversationSummary, ConversationView } from '../domain/conversation.ts';
import type { Checklist, Complaint, Feedback, Scorecard } from '../domain/quality.ts';
import type { FeedbackInput } from '../quality/index.ts';
import type { ChurnRisk, ConversationMetrics, FeedbackReport, MetricsReport, PromptEffect, Sample } from '../reports/index.ts';
import type { ScorecardRollup } from '../quality/index.ts';

/** GET /api/conversations: one page of the matches, newest first. */
/** The filters of `GET /api/conversations` (and its export and facets), as the query string carries them. */
export interface ConversationQuery {
  status?: 'live' | 'ended';
  /** Words that must all appear in the transcript (any speaker), case-insensitive. */
  q?: string;
  queue?: string;
  customerId?: string;
  /** The conversation's headline complaint grade, or `none` for conversations without a complaint. */
  grade?: 'none' | 'general' | 'complex' | 'major';
  agentId?: string;
  from?: number;
  to?: number;
  /** Conversations whose final customer mood is at least this. */
  minSentiment?: number;
  hasAlerts?: boolean;
  recovered?: boolean;
  /** Contact reason id (config/analytics.yaml keyword id or intent label). */
  reason?: string;
  /** Conversations whose predicted satisfaction (1-5) is at most this: the ones worth a QA look. */
  maxSatisfaction?: number;
  offset?: number;
  limit?: number;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  total: number;
  offset: number;
}

/** GET /api/conversations/export: every match in full, for a bulk export. */
export interface ConversationExport {
  conversations: ConversationView[];
  total: number;
}

/** GET /api/conversations/facets: what the QA filters offer to choose from. */
export interface ConversationFacets {
  agents: string[];
  customers: string[];
  queues: string[];
  /** The contact reasons found, by id, each with the label of one conversation that has it. */
  reasons: { id: string; label: string }[];
}

/** PUT /api/conversations/:id/note */
export interface NoteResponse {
  ok: true;
  qaNote: string | undefined;
}

/** GET /api/metrics/conversations/:id */
export interface ConversationQualityReport {
  metrics: ConversationMetrics;
  checklist?: Checklist;
  complaints: Complaint[];
  promptEffects: PromptEffect[];
  scorecard?: Scorecard;
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

/** Every REST reply the screens read, by route. */
export interface RestReplies {
  me: Principal;
  conversations: ConversationPage;
  conversationExport: ConversationExport;
  facets: ConversationFacets;
  conversation: ConversationView;
  note: NoteResponse;
  ack: Alert;
  metrics: MetricsReport;
  conversationQuality: ConversationQualityReport;
  churn: ChurnResponse;
  sample: QaSampleResponse;
  scorecard: Scorecard;
  rollup: ScorecardRollupResponse;
  feedback: Feedback;
  feedbackReport: FeedbackReport;
}
