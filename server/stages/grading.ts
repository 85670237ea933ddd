import type { Grader } from '../quality/index.ts';
import { defineStage } from './stage.ts';

/** Complaint grading of the negative episodes; they change only with customer turns (and are first set on any turn). */
export const grading = (grade: Grader) =>
  defineStage({
    name: 'grading',
    reads: ['conversation', 'turn'],
    adds: ['conversation'],
    run({ conversation, turn }) {
      if (turn.speaker !== 'customer' && conversation.complaints) return { conversation };
      return { conversation: { ...conversation, complaints: grade(conversation) } };
    },
  });
