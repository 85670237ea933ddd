import type { RulesConfig } from '../rules/index.ts';
import { createChecklistDetector, type ChecklistDetector } from './checklist.ts';
import type { QualityConfig } from './config.ts';
import { createGrader, type Grader } from './grading.ts';

export { outstandingItems, type ChecklistDetector } from './checklist.ts';
export { QualityConfigSchema, type QualityConfig } from './config.ts';
export { DeadlineTicker, type EscalationPort } from './deadline-ticker.ts';
export { armAckDeadline, dueEscalations } from './deadlines.ts';
export type { Grader } from './grading.ts';

/** The service-quality practice, built once from config: what the turn stages (server/stages) run on every scored turn. */
export interface Quality {
  config: QualityConfig;
  grade: Grader;
  checklist: ChecklistDetector;
}

export function createQuality(config: QualityConfig, rules: RulesConfig): Quality {
  return { config, grade: createGrader(config, rules.escalationPhrases), checklist: createChecklistDetector(config.checklist) };
}
