import type { Conversation } from '../domain/conversation.ts';
import type { Prompt } from '../domain/prompt.ts';
import type { ScoredTurn } from '../domain/turn.ts';
import type { Finding } from '../rules/index.ts';

/** What a prompt source sees: the conversation so far (with the prompts of sources before it), the turn, and the rules' fresh findings. */
export interface PromptContext {
  conversation: Conversation;
  turn: ScoredTurn;
  findings: readonly Finding[];
}

/** A maker of live prompts for the agent. Pure: the clock and ids come in; each prompt is made with `makePrompt`. */
export interface PromptSource {
  name: string;
  prompts(ctx: PromptContext, env: { now: number; newId: () => string }): Prompt[];
}
