import type { Alert } from '../domain/alert.ts';
import { withPrompts, type Conversation } from '../domain/conversation.ts';
import type { Prompt } from '../domain/prompt.ts';
import type { ScoredTurn } from '../domain/turn.ts';
import type { RulesConfig } from '../rules/index.ts';
import { checklistPrompts, createChecklistDetector, type ChecklistDetector } from './checklist.ts';
import type { QualityConfig } from './config.ts';
import { armAckDeadline } from './deadlines.ts';
import { createGrader, type Grader } from './grading.ts';
import type { Checklist } from '../domain/quality.ts';

export { QualityConfigSchema, type QualityConfig } from './config.ts';

/** The service-quality practice, built once from config: what the pipeline runs on every scored turn. */
export interface Quality {
  config: QualityConfig;
  grade: Grader;
  checklist: ChecklistDetector;
}

export function createQuality(config: QualityConfig, rules: RulesConfig): Quality {
  return { config, grade: createGrader(config, rules.escalationPhrases), checklist: createChecklistDetector(config.checklist) };
}

/** Alerts opened or raised by the rules get their acknowledgement deadline (none without a quality config). */
export function armAlerts(q: Quality | undefined, alerts: Alert[], now: number): Alert[] {
  return q ? alerts.map((a) => armAckDeadline(a, q.config.acknowledge, now)) : alerts;
}

export interface QualityStep {
  conversation: Conversation;
  /** Checklist prompts to send the agent now. */
  prompts: Prompt[];
  /** Set when the checklist changed, for the agent's sidebar. */
  checklist?: Checklist;
}

/**
 * The quality step of a scored turn: re-grade the negative episodes, update the agent's checklist,
 * and when either side is wrapping up, prompt the items still outstanding. Without a quality config
 * it changes nothing. `priorContacts` is recorded the first time it is known.
 */
export function applyQuality(
  q: Quality | undefined,
  conversation: Conversation,
  turn: ScoredTurn,
  now: number,
  newId: () => string,
  priorContacts?: number,
): QualityStep {
  if (!q) return { conversation, prompts: [] };
  const c = { ...conversation, priorContacts: conversation.priorContacts ?? priorContacts };
  const checklist = turn.speaker === 'agent' || !c.checklist ? q.checklist.checklistOf(c) : c.checklist;
  const changed = JSON.stringify(checklist) !== JSON.stringify(c.checklist);
  // Episodes change only with customer turns (and the repeat-contact count, known from the first turn).
  const complaints = turn.speaker === 'customer' || !c.complaints ? q.grade(c) : c.complaints;
  const graded: Conversation = { ...c, complaints, checklist };
  const prompts = q.checklist.isNearEnd(turn.text) ? checklistPrompts(q.config.checklist, graded, checklist, turn, now, newId) : [];
  return { conversation: withPrompts(graded, prompts), prompts, checklist: changed ? checklist : undefined };
}
