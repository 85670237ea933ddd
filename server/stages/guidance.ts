import { withPrompts } from '../domain/conversation.ts';
import { suggestPrompts, type Playbook } from '../guidance/index.ts';
import { defineStage } from './stage.ts';

/** The playbook's prompts for the turn's fresh findings and the customer's emotion. */
export const guidance = (playbook: Playbook) =>
  defineStage({
    name: 'guidance',
    reads: ['conversation', 'turn', 'findings', 'prompts'],
    adds: ['conversation', 'prompts'],
    run({ conversation, turn, findings, prompts }, { now, newId }) {
      const made = suggestPrompts(playbook, conversation, turn, findings, now, newId);
      return { conversation: withPrompts(conversation, made), prompts: [...prompts, ...made] };
    },
  });
