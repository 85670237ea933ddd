import { promptTurnOf, type Conversation } from '../domain/conversation.ts';
import type { Feedback, FeedbackTarget, FeedbackTurn, Verdict } from '../domain/quality.ts';
import type { ScoredTurn, SentimentLabel } from '../domain/turn.ts';

/**
 * Feedback on alerts and prompts ("wrong" / "helpful", one click), stored with the turn's text and
 * scores so it can become training data (reports/feedback.ts reads it back).
 */

export interface FeedbackInput {
  target: FeedbackTarget;
  id: string;
  verdict: Verdict;
  correctLabel?: SentimentLabel;
}

function snapshot(t: ScoredTurn | undefined): FeedbackTurn | undefined {
  if (!t) return undefined;
  return {
    turnId: t.turnId,
    speaker: t.speaker,
    text: t.text,
    label: t.score.label,
    valence: t.score.valence,
    smoothed: t.smoothed,
    probabilities: t.score.probabilities,
    emotion: t.score.emotion?.label,
  };
}

/**
 * Records one person's verdict; a second verdict from the same person on the same target replaces
 * the first. Undefined when the conversation has no such alert or prompt.
 */
export function withFeedback(
  c: Conversation,
  input: FeedbackInput,
  who: { by: string; role: string },
  now: number,
  id: string,
): { conversation: Conversation; feedback: Feedback } | undefined {
  let rule: string;
  let turn: ScoredTurn | undefined;
  if (input.target === 'alert') {
    const alert = c.alerts.find((a) => a.id === input.id);
    if (!alert) return undefined;
    rule = alert.rule;
    turn = c.turns.find((t) => t.turnId === alert.evidence.at(-1));
  } else {
    const prompt = c.prompts.find((p) => p.id === input.id);
    if (!prompt) return undefined;
    rule = prompt.source;
    turn = promptTurnOf(c, prompt);
  }
  const feedback: Feedback = {
    id,
    target: input.target,
    targetId: input.id,
    rule,
    verdict: input.verdict,
    correctLabel: input.correctLabel,
    by: who.by,
    role: who.role,
    at: now,
    turn: snapshot(turn),
  };
  const others = (c.feedback ?? []).filter((f) => !(f.targetId === input.id && f.by === who.by));
  return { conversation: { ...c, feedback: [...others, feedback] }, feedback };
}
