import type { AlertChange } from '../domain/alert.ts';
import { summarize, type Conversation } from '../domain/conversation.ts';
import type { Prompt } from '../domain/prompt.ts';
import type { Outcome, Publisher } from '../outcome.ts';
import { agentRoom, SUPERVISORS, supervisorRoom, watchRoom, type Namespaces } from './rooms.ts';

/**
 * Every outcome to the rooms that may see it: the conversation's agent gets all of it, supervisors
 * watching the conversation get its transcript, prompts and checklist, and the wall gets alerts and
 * the tile. This is the whole path from a stored change to the sockets.
 */
export function roomPublisher({ agents, supervisors }: Namespaces, clock: () => number): Publisher {
  const agent = (c: Conversation) => (c.agentId ? agents.to(agentRoom(c.agentId)) : undefined);
  const watchers = (c: Conversation) => supervisors.to(watchRoom(c.id));

  const alerts = (c: Conversation, changes: readonly AlertChange[]) => {
    for (const { alert, change } of changes) {
      const event = change === 'opened' ? 'alert' : 'alert:update';
      agent(c)?.emit(event, alert);
      supervisors.to(SUPERVISORS).emit(event, alert);
    }
  };
  /** New prompts, and expired ones as updates of the same id: the sidebar replaces what it shows. */
  const prompts = (c: Conversation, list: readonly Prompt[]) => {
    for (const prompt of list) {
      agent(c)?.emit('prompt', prompt);
      watchers(c).emit('prompt', prompt);
    }
  };
  const tile = (c: Conversation) => {
    const summary = summarize(c, clock());
    agent(c)?.emit('conversation:update', summary);
    supervisors.to(SUPERVISORS).emit('conversation:update', summary);
  };

  return {
    publish(o: Outcome) {
      switch (o.kind) {
        case 'turn': {
          const c = o.conversation;
          const turn = { conversationId: c.id, turn: o.turn };
          agent(c)?.emit('turn', turn);
          watchers(c).emit('turn', turn);
          if (o.checklist) {
            const checklist = { conversationId: c.id, checklist: o.checklist };
            agent(c)?.emit('checklist', checklist);
            watchers(c).emit('checklist', checklist);
          }
          prompts(c, [...o.expired, ...o.prompts]);
          alerts(c, o.alerts);
          tile(c);
          return;
        }
        case 'partial': {
          const partial = { conversationId: o.conversation.id, speaker: o.turn.speaker, text: o.turn.text };
          agent(o.conversation)?.emit('partial', partial);
          watchers(o.conversation).emit('partial', partial);
          return;
        }
        case 'whisper':
          prompts(o.conversation, [o.prompt]);
          return;
        case 'alerts':
          prompts(o.conversation, o.prompts ?? []);
          alerts(o.conversation, o.alerts);
          if (o.assignedBy !== undefined) {
            for (const { alert } of o.alerts) if (alert.assignedTo) supervisors.to(supervisorRoom(alert.assignedTo)).emit('alert:assigned', { alert, by: o.assignedBy });
          }
          tile(o.conversation);
          return;
        case 'ended':
          prompts(o.conversation, o.expired);
          tile(o.conversation);
          return;
        case 'failed':
          return;
      }
    },
  };
}
