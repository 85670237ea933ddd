import { afterCallText, moodLabel, type AfterCallSummary, type Outcome, type OutcomeReason } from '../domain/after-call.ts';
import { RECOVERED_SATISFACTION, type Conversation } from '../domain/conversation.ts';
import type { ScoredTurn } from '../domain/turn.ts';
import { timeExpressionOf, type ChecklistDetector } from '../quality/checklist.ts';
import type { PhraseMatcher } from '../rules/phrases.ts';

const SENTENCE_END = /(?<=[.!?。！？；;])\s*/u;

function sentencesOf(text: string): string[] {
  return text.split(SENTENCE_END).map((s) => s.trim()).filter((s) => /\p{L}/u.test(s));
}

const longest = (xs: readonly string[]) => xs.reduce<string | undefined>((a, s) => (a === undefined || s.length > a.length ? s : a), undefined);

/**
 * The customer's issue: the sentence of the contact reason's turn that holds the matched phrase;
 * without a reason, the longest sentence of the customer's first two judged turns (the one that says
 * most, not "hello").
 */
function issueOf(c: Conversation): AfterCallSummary['Issue'] {
  const reason = c.contactReason;
  const turn = reason && c.turns.find((t) => t.turnId === reason.turnId);
  if (turn) {
    const sentences = sentencesOf(turn.text);
    const text = sentences.find((s) => reason.evidence !== undefined && s.toLowerCase().includes(reason.evidence.toLowerCase())) ?? longest(sentences);
    if (text) return { Text: text, TurnId: turn.turnId };
  }
  const opening = c.turns.filter((t) => t.speaker === 'customer' && !t.score.lowConfidence).slice(0, 2);
  const candidates = opening.flatMap((t) => sentencesOf(t.text).map((s) => ({ s, t })));
  const best = candidates.reduce<{ s: string; t: ScoredTurn } | undefined>((a, x) => (a === undefined || x.s.length > a.s.length ? x : a), undefined);
  return best && { Text: best.s, TurnId: best.t.turnId };
}

/** Every agent sentence the checklist counts as a commitment, with its time expression. */
function commitmentsOf(c: Conversation, checklist: ChecklistDetector): AfterCallSummary['Commitments'] {
  return c.turns
    .filter((t) => t.speaker === 'agent')
    .flatMap((t) =>
      sentencesOf(t.text)
        .filter((s) => checklist.commitment(s) !== undefined)
        .map((s) => ({ Text: s, TurnId: t.turnId, Time: timeExpressionOf(s) })),
    );
}

/**
 * The after-call summary of a conversation so far (final once it has ended). Outcome: escalated
 * when the agent handed the contact on ("let me transfer you to my supervisor") or a major complaint
 * went to a manager; follow-up when the agent committed to a next step, or the customer did not end
 * satisfied; resolved otherwise.
 */
export function afterCallSummary(c: Conversation, checklist: ChecklistDetector, agentEscalation: PhraseMatcher): AfterCallSummary {
  const Language = c.lang === 'zh' ? 'zh' : 'en';
  const Commitments = commitmentsOf(c, checklist);
  const customer = c.turns.filter((t) => t.speaker === 'customer');
  const handedOn = c.turns
    .filter((t) => t.speaker === 'agent')
    .flatMap((t) => sentencesOf(t.text))
    .find((s) => agentEscalation.find(s).length > 0);
  const toManager = (c.complaints ?? []).some((x) => x.owner === 'manager');
  const end = customer.at(-1)?.smoothed;
  const satisfied = c.predictedSatisfaction ? c.predictedSatisfaction.Score >= RECOVERED_SATISFACTION : end !== undefined && end > 0.2;
  const [Outcome, OutcomeReason]: [Outcome, OutcomeReason] = handedOn
    ? ['ESCALATED', 'AGENT_HANDED_ON']
    : toManager
      ? ['ESCALATED', 'MAJOR_COMPLAINT_TO_MANAGER']
      : Commitments.length > 0
        ? ['FOLLOW_UP', 'AGENT_COMMITTED']
        : !satisfied
          ? ['FOLLOW_UP', 'CUSTOMER_NOT_SATISFIED']
          : ['RESOLVED', 'CUSTOMER_SATISFIED'];
  const summary = {
    Language,
    Issue: issueOf(c),
    Commitments,
    Outcome,
    OutcomeReason,
    ...(handedOn ? { OutcomeQuote: handedOn } : {}),
    Mood: customer.length === 0 ? null : { Start: moodLabel(customer[0]!.smoothed), End: moodLabel(end!) },
  } as const;
  return { ...summary, Text: afterCallText(summary) };
}
