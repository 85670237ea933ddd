/** A live suggestion shown to the agent, with the reason it fired. */
import type { Reason } from './quality.ts';

export type PromptKind = 'empathy' | 'de-escalation' | 'next-step' | 'clarify' | 'checklist' | 'whisper';
export type PromptFeedback = 'used' | 'dismissed';
/**
 * Why a suggestion stopped applying: a newer suggestion took its place, what triggered it no longer
 * holds (the customer's mood recovered; the checklist item was done), or the conversation ended.
 */
export type PromptExpiry = 'superseded' | 'cleared' | 'ended';

export interface Prompt {
  id: string;
  conversationId: string;
  agentId?: string;
  /** The playbook entry (or "whisper") it came from; cooldowns are per source. */
  source: string;
  kind: PromptKind;
  text: string;
  /** Why it fired, in English words the agent understands (logs, exports). */
  why: string;
  /** The same as a code with parameters, worded by the sidebar in the screen's language. */
  whyCode?: Reason;
  /** The turn that triggered it, if any. */
  turnId?: string;
  at: number;
  from?: string;
  feedback?: PromptFeedback;
  feedbackAt?: number;
  /** Set once the suggestion no longer applies; the agent's sidebar stops offering it. */
  expiredAt?: number;
  expiry?: PromptExpiry;
}

/** A suggestion the agent may still act on: not a whisper, not answered, not expired. */
export function isOpenSuggestion(p: Prompt): boolean {
  return p.kind !== 'whisper' && !p.feedback && p.expiredAt === undefined;
}

export function expire(p: Prompt, expiry: PromptExpiry, at: number): Prompt {
  return { ...p, expiredAt: at, expiry };
}

/** What a prompt source decides; `makePrompt` adds the rest. */
export type PromptFields = Pick<Prompt, 'source' | 'kind' | 'text' | 'why'> & Partial<Pick<Prompt, 'turnId' | 'from' | 'whyCode'>>;

/** The one way a prompt is made: addressed to the conversation's agent, made at `at`, with its id. */
export function makePrompt(conversation: { id: string; agentId?: string }, fields: PromptFields, at: number, id: string): Prompt {
  return { id, conversationId: conversation.id, agentId: conversation.agentId, ...fields, at };
}
