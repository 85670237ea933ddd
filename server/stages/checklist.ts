import type { ChecklistDetector } from '../quality/index.ts';
import { defineStage } from './stage.ts';

/** The agent's service checklist, re-read on every agent turn (and first set on any turn). */
export const checklist = (detector: ChecklistDetector) =>
  defineStage({
    name: 'checklist',
    reads: ['conversation', 'turn'],
    adds: ['conversation', 'checklistUpdate'],
    run({ conversation, turn }) {
      if (turn.speaker !== 'agent' && conversation.checklist) return { conversation, checklistUpdate: undefined };
      const list = detector.checklistOf(conversation);
      const changed = JSON.stringify(list) !== JSON.stringify(conversation.checklist);
      return { conversation: { ...conversation, checklist: list }, checklistUpdate: changed ? list : undefined };
    },
  });
