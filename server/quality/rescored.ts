import type { Conversation } from '../domain/conversation.ts';
import type { QualityConfig } from './config.ts';
import { refreshAutoFill } from './scorecard.ts';

/**
 * A re-scored conversation (its roles swapped) with what people wrote about the stored one: the QA
 * note, the scorecard (its auto-filled scores worked out again, what QA set kept) and the feedback.
 * Feedback names alerts and prompts the re-scoring replaced, but each record carries its rule, its
 * verdict and the turn as it was scored, so the feedback report and the corrected labels for
 * retraining (about the text, whoever said it) stay true. The acknowledgements and prompt marks go
 * with the alerts and prompts they were on: the re-scored ones were never shown to anyone.
 */
export function withQaWorkOf(rescored: Conversation, stored: Conversation, scorecard: QualityConfig['scorecard'], now: number): Conversation {
  return {
    ...rescored,
    endedAt: stored.endedAt,
    updatedAt: now,
    qaNote: stored.qaNote,
    scorecard: stored.scorecard && refreshAutoFill(scorecard, stored.scorecard, rescored),
    feedback: stored.feedback,
  };
}
