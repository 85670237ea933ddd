import { applyScoredTurn } from '../domain/conversation.ts';
import { defineStage } from './stage.ts';

/** The model's score applied: the turn joins the conversation with its smoothed mood. */
export const applyScore = defineStage({
  name: 'apply-score',
  reads: ['input', 'conversation'],
  adds: ['conversation', 'turn'],
  run({ input, conversation }) {
    const applied = applyScoredTurn(conversation, input.turn, input.score);
    return { conversation: applied.conversation, turn: applied.scored };
  },
});
