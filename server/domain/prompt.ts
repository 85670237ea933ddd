/** A live suggestion shown to the agent, with the reason it fired. */

export type PromptKind = 'empathy' | 'de-escalation' | 'next-step' | 'clarify' | 'checklist' | 'whisper';
export type PromptFeedback = 'used' | 'dismissed';

export interface Prompt {
  id: string;
  conversationId: string;
  agentId?: string;
  /** The playbook entry (or "whisper") it came from; cooldowns are per source. */
  source: string;
  kind: PromptKind;
  text: string;
  /** Why it fired, in words the agent understands. */
  why: string;
  /** The turn that triggered it, if any. */
  turnId?: string;
  at: number;
  from?: string;
  feedback?: PromptFeedback;
  feedbackAt?: number;
}

/** What a prompt source decides; `makePrompt` adds the rest. */
export type PromptFields = Pick<Prompt, 'source' | 'kind' | 'text' | 'why'> & Partial<Pick<Prompt, 'turnId' | 'from'>>;

/** The one way a prompt is made: addressed to the conversation's agent, made at `at`, with its id. */
export function makePrompt(conversation: { id: string; agentId?: string }, fields: PromptFields, at: number, id: string): Prompt {
  return { id, conversationId: conversation.id, agentId: conversation.agentId, ...fields, at };
}
