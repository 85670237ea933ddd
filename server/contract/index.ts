/**
 * The wire contract between server and browser: the socket event maps, the REST requests and replies,
 * and the domain values they carry. The client imports this and nothing else from the server; all of
 * it is types except `severityRank`, the one pure function both sides rank alerts by, and
 * `isOpenSuggestion`, the one test both sides tell a live suggestion by.
 */
export type * from './sockets.ts';
export type * from './rest.ts';
export type { Role, Principal } from '../auth/tokens.ts';
export { severityRank, type Alert, type Severity } from '../domain/alert.ts';
export type { ConversationSummary, ConversationView } from '../domain/conversation.ts';
export { isOpenSuggestion, type Prompt, type PromptExpiry, type PromptFeedback } from '../domain/prompt.ts';
export type { Checklist, Complaint, Feedback, FeedbackTarget, Reason, Scorecard, Verdict } from '../domain/quality.ts';
export type { ScoredTurn, Speaker } from '../domain/turn.ts';
export type { ScorecardEdit, ScorecardRollup } from '../quality/index.ts';
export type { AgentMetrics, ChurnRisk, FeedbackReport, MetricsReport, PromptEffect, Sample } from '../reports/index.ts';
