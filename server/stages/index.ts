import type { Analytics } from '../analytics/index.ts';
import { createPromptSources, type Playbook } from '../guidance/index.ts';
import type { Quality } from '../quality/index.ts';
import type { Rule } from '../rules/index.ts';
import { analyticsStage } from './analytics.ts';
import { applyScore } from './apply-score.ts';
import { armDeadlines } from './arm-deadlines.ts';
import { checklist } from './checklist.ts';
import { expiry } from './expiry.ts';
import { grading } from './grading.ts';
import { priorContacts } from './prior-contacts.ts';
import { prompts } from './prompts.ts';
import { rulesStage } from './rules.ts';
import { checkOrder, type TurnStage } from './stage.ts';

export { checkOrder, defineStage, stepTurn, type StageEnv, type TurnInput, type TurnStage, type TurnStep } from './stage.ts';

export interface StagesOptions {
  rules: readonly Rule[];
  resolveAbove: number;
  playbook: Playbook;
  quality: Quality;
  analytics?: Analytics;
}

/**
 * The registered stages, in the order they run on every scored turn. Adding a stage: a file beside
 * this one that declares what it reads and adds, and a line here (`checkOrder` refuses a stage placed
 * before what it reads).
 */
export function createTurnStages(o: StagesOptions): readonly TurnStage[] {
  const stages = [
    applyScore,
    rulesStage(o.rules, o.resolveAbove),
    armDeadlines(o.quality.config.acknowledge),
    priorContacts,
    checklist(o.quality.checklist),
    grading(o.quality.grade),
    prompts(createPromptSources(o)),
    analyticsStage(o.analytics),
    expiry(o.resolveAbove),
  ];
  checkOrder(stages);
  return stages;
}
