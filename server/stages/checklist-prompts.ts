import { withPrompts } from '../domain/conversation.ts';
import { checklistPrompts as promptsFor, type ChecklistDetector, type QualityConfig } from '../quality/index.ts';
import { defineStage } from './stage.ts';

/** When either side is wrapping up, one prompt per checklist item still outstanding. */
export const checklistPrompts = (config: QualityConfig['checklist'], detector: ChecklistDetector) =>
  defineStage({
    name: 'checklist-prompts',
    reads: ['conversation', 'turn', 'prompts'],
    adds: ['conversation', 'prompts'],
    run({ conversation, turn, prompts }, { now, newId }) {
      if (!conversation.checklist || !detector.isNearEnd(turn.text)) return { conversation, prompts };
      const made = promptsFor(config, conversation, conversation.checklist, turn, now, newId);
      return { conversation: withPrompts(conversation, made), prompts: [...prompts, ...made] };
    },
  });
