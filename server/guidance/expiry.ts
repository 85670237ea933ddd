import type { Conversation } from '../domain/conversation.ts';
import { expire, isOpenSuggestion, type Prompt } from '../domain/prompt.ts';
import type { ScoredTurn } from '../domain/turn.ts';

/**
 * Which open suggestions stop applying after a turn, as their expired copies. Pure.
 * - superseded: a suggestion from an earlier turn, once this turn brought a newer one;
 * - cleared: a playbook suggestion (fired by a negative or emotional customer) once the customer's
 *   mood has recovered to `clearAbove` or better, the level at which the rules resolve alerts;
 *   a checklist suggestion once its item is done.
 */
export function expiredByTurn(c: Conversation, turn: ScoredTurn, fresh: readonly Prompt[], clearAbove: number, now: number): Prompt[] {
  const freshIds = new Set(fresh.map((p) => p.id));
  const newer = fresh.some((p) => p.kind !== 'whisper');
  const recovered = turn.speaker === 'customer' && turn.smoothed >= clearAbove;
  const done = new Set((c.checklist?.items ?? []).filter((i) => i.status === 'done').map((i) => `checklist:${i.id}`));
  const expired: Prompt[] = [];
  for (const p of c.prompts) {
    if (!isOpenSuggestion(p) || freshIds.has(p.id)) continue;
    if (newer) expired.push(expire(p, 'superseded', now));
    else if (p.kind === 'checklist' ? done.has(p.source) : recovered) expired.push(expire(p, 'cleared', now));
  }
  return expired;
}

/** Every open suggestion of a conversation that has ended. */
export function expiredByEnd(c: Conversation, now: number): Prompt[] {
  return c.prompts.filter(isOpenSuggestion).map((p) => expire(p, 'ended', now));
}
