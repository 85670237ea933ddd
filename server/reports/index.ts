/**
 * Read models: what the stored conversations say, computed on request and never stored. Agent and
 * team metrics, churn risk, QA samples, feedback reports, post-contact summaries (and the publisher
 * that writes a summary file when a conversation ends).
 */
export { churnRisks, slopeOf, type ChurnRisk } from './churn.ts';
export { correctionsTsv, feedbackReport, promptEffect, type FeedbackReport, type PromptEffect } from './feedback.ts';
export { conversationMetrics, metricsReport, negativeMsOf, responseTimesOf, starOf, teamOf, type AgentMetrics, type ConversationMetrics, type MetricsReport } from './metrics.ts';
export { postContactSummary, type PostContactSummary } from './post-contact.ts';
export { drawSample, isNegative, seededRandom, type Sample } from './sampling.ts';
export { fileStem, summaryWriter } from './summary-files.ts';
