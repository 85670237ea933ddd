import { makePrompt } from '../domain/prompt.ts';
import { outstandingItems, type ChecklistDetector, type QualityConfig } from '../quality/index.ts';
import type { PromptSource } from './source.ts';

/**
 * Near the end of a conversation, one prompt per outstanding checklist item that has not been prompted
 * yet (source `checklist:<item>`), in the conversation's language.
 */
export function checklistPrompts(config: QualityConfig['checklist'], detector: ChecklistDetector): PromptSource {
  return {
    name: 'checklist',
    prompts({ conversation: c, turn }, { now, newId }) {
      if (!c.checklist || !detector.isNearEnd(turn.text)) return [];
      const lang = c.lang === 'zh' ? 'zh' : 'en';
      const prompted = new Set(c.prompts.map((p) => p.source));
      return outstandingItems(c.checklist)
        .filter((item) => !prompted.has(`checklist:${item.id}`))
        .map((item) =>
          makePrompt(
            c,
            {
              source: `checklist:${item.id}`,
              kind: 'checklist',
              text: config.prompts[item.id][lang],
              why:
                item.status === 'partial'
                  ? 'The conversation is wrapping up and your commitment has no time yet.'
                  : `The conversation is wrapping up and the ${item.id} item of the service checklist is missing.`,
              whyCode: item.status === 'partial' ? { code: 'prompt.commitmentNoTime' } : { code: 'prompt.checklistMissing', params: { item: item.id } },
              turnId: turn.turnId,
            },
            now,
            newId(),
          ),
        );
    },
  };
}
