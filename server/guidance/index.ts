import type { Quality } from '../quality/index.ts';
import { checklistPrompts } from './checklist.ts';
import { playbookPrompts, type Playbook } from './playbook.ts';
import type { PromptSource } from './source.ts';

export { PlaybookSchema, promptsForFindings, type Playbook } from './playbook.ts';
export type { PromptContext, PromptSource } from './source.ts';
export { expiredByEnd, expiredByTurn } from './expiry.ts';

/**
 * The registered prompt sources, in the order they run on every scored turn (each sees the prompts of
 * those before it). Adding one: a file beside this one returning a `PromptSource` whose prompts are
 * made with `makePrompt`, and a line here.
 */
export function createPromptSources(o: { playbook: Playbook; quality: Quality }): PromptSource[] {
  return [playbookPrompts(o.playbook), checklistPrompts(o.quality.config.checklist, o.quality.checklist)];
}
