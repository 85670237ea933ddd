import { withChangedPrompts } from '../domain/conversation.ts';
import { expiredByTurn } from '../guidance/index.ts';
import { defineStage } from './stage.ts';

/**
 * The open suggestions this turn made stale (superseded by a newer one, or their trigger no longer
 * holds), expired in the conversation; the publisher sends the expired copies as prompt updates.
 */
export const expiry = (clearAbove: number) =>
  defineStage({
    name: 'expiry',
    reads: ['conversation', 'turn', 'prompts'],
    adds: ['conversation', 'expired'],
    run({ conversation, turn, prompts }, { now }) {
      const expired = expiredByTurn(conversation, turn, prompts, clearAbove, now);
      return { conversation: withChangedPrompts(conversation, expired), expired };
    },
  });
