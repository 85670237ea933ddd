import type { RulesConfig } from '../rules/index.ts';
import { createChecklistDetector, type ChecklistDetector } from './checklist.ts';
import type { QualityConfig } from './config.ts';
import { createGrader, type Grader } from './grading.ts';

/**
 * Service-quality practice, by kind: what runs on every scored turn (the checklist detector and the
 * complaint grader, run by the stages in server/stages), acknowledgement deadlines (escalated on a
 * `DueTicker`'s ticks, server/due-ticker.ts), the idle-end sweeper, and the QA writes (feedback, scorecards). Reports are in server/reports.
 */
export { hasTimeExpression, outstandingItems, type ChecklistDetector } from './checklist.ts';
export { QualityConfigSchema, type QualityConfig } from './config.ts';
export { IdleEnder, type EndPort } from './idle-end.ts';
export { armAckDeadline, dueEscalations, isOverdue, nextEscalationAt } from './deadlines.ts';
export { withFeedback, type FeedbackInput } from './feedback.ts';
export { negativeEpisodes, type Grader } from './grading.ts';
export { priorContactsOf } from './prior-contacts.ts';
export { withQaWorkOf } from './rescored.ts';
export { editScorecard, newScorecard, redactScorecardEdit, rollup, ScorecardEditSchema, ScorecardEditError, type ScorecardEdit, type ScorecardRollup } from './scorecard.ts';

/** The service-quality practice, built once from config: what the turn stages run on every scored turn. */
export interface Quality {
  config: QualityConfig;
  grade: Grader;
  checklist: ChecklistDetector;
}

export function createQuality(config: QualityConfig, rules: RulesConfig): Quality {
  return { config, grade: createGrader(config, rules.escalationPhrases), checklist: createChecklistDetector(config.checklist) };
}
