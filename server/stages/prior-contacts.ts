import { defineStage } from './stage.ts';

/** The customer's earlier contacts, recorded the first time the pipeline looked them up (grading reads them). */
export const priorContacts = defineStage({
  name: 'prior-contacts',
  reads: ['input', 'conversation'],
  adds: ['conversation'],
  run({ input, conversation }) {
    return { conversation: { ...conversation, priorContacts: conversation.priorContacts ?? input.priorContacts } };
  },
});
