import type { Analytics } from '../analytics/index.ts';
import { applyAnalytics } from '../analytics/index.ts';
import { defineStage } from './stage.ts';

/**
 * Conversation analytics: the contact reason while it is open (keywords, or the intent model's guess
 * looked up before the stages), the predicted satisfaction and the after-call summary so far, and
 * the playbook's knowledge prompts for a newly settled reason. Without analytics it changes nothing.
 */
export const analyticsStage = (analytics: Analytics | undefined) =>
  defineStage({
    name: 'analytics',
    reads: ['input', 'conversation', 'turn', 'prompts'],
    adds: ['conversation', 'prompts'],
    run({ input, conversation, turn, prompts }, { now, newId }) {
      const step = applyAnalytics(analytics, conversation, turn, input.intent, now, newId);
      return { conversation: step.conversation, prompts: [...prompts, ...step.prompts] };
    },
  });
