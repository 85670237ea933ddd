import { withPrompts } from '../domain/conversation.ts';
import type { PromptSource } from '../guidance/index.ts';
import { defineStage } from './stage.ts';

/** Every prompt source in turn; each sees the conversation with the prompts of the sources before it. */
export const prompts = (sources: readonly PromptSource[]) =>
  defineStage({
    name: 'prompts',
    reads: ['conversation', 'turn', 'findings', 'prompts'],
    adds: ['conversation', 'prompts'],
    run(state, env) {
      let { conversation } = state;
      const made = [...state.prompts];
      for (const source of sources) {
        const fresh = source.prompts({ conversation, turn: state.turn, findings: state.findings }, env);
        conversation = withPrompts(conversation, fresh);
        made.push(...fresh);
      }
      return { conversation, prompts: made };
    },
  });
