import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { refusal } from '../api/refusal.ts';
import type { Commands } from '../commands.ts';
import type {
  AgentClientToServer,
  AgentServerToClient,
  NoEvents,
  OnlineSupervisor,
  SupervisorClientToServer,
  SupervisorServerToClient,
} from '../contract/index.ts';
import { summarize, viewOf } from '../domain/conversation.ts';
import { IdSchema, visibleText } from '../ingest/schema.ts';
import { redactText } from '../domain/pii.ts';
import type { Store } from '../store/index.ts';
import { handlersFor, onConnection, type SocketLimits } from './handlers.ts';
import { agentRoom, SUPERVISORS, supervisorRoom, watchRoom, type Namespaces, type SocketData } from './rooms.ts';

/**
 * What sockets send: handlers that validate, then translate between sockets and the commands; they
 * decide nothing. What sockets receive is `roomPublisher` (publisher.ts).
 */

/** A whisper is a line for the agent to read mid-call, not a memo. */
const MAX_WHISPER_CHARS = 1000;

export interface RealtimeDeps {
  namespaces: Namespaces;
  commands: Commands;
  store: Store;
  clock: () => number;
  log: Logger;
  limits: SocketLimits;
}

const ConversationRef = z.strictObject({ conversationId: IdSchema });
const AlertRef = z.strictObject({ alertId: IdSchema });
const PromptFeedbackEvent = z.strictObject({ conversationId: IdSchema, promptId: IdSchema, feedback: z.enum(['used', 'dismissed']) });
/** `to` is the id of a supervisor on the wall now, never free text: anything else is refused, so nothing a person typed is stored. */
const AssignEvent = z.strictObject({ alertId: IdSchema, to: z.string({ error: 'must be a string' }).trim().min(1, 'must name a supervisor').max(100, 'must be at most 100 characters') });
const WhisperEvent = z.strictObject({ conversationId: IdSchema, text: visibleText(MAX_WHISPER_CHARS).transform((t) => redactText(t.trim())) });

const ok = <T>(data: T) => ({ ok: true as const, data });
const noSuch = (what: string) => refusal('not_found', `no such ${what}`);

export function attachRealtime({ namespaces: { agents, supervisors }, commands, store, clock, log, limits }: RealtimeDeps): void {
  agents.on(
    'connection',
    onConnection(async (socket: Socket<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>) => {
      const agentId = socket.data.principal.id;
      const on = handlersFor<AgentClientToServer>(socket, { log, allow: limits.allow });
      // Handlers first: the client may emit as soon as it is connected, before the snapshot is read.
      on('prompt:feedback', PromptFeedbackEvent, async (e) => {
        const c = await store.get(e.conversationId);
        if (!c || c.agentId !== agentId) return refusal('not_found', 'no such conversation of yours');
        const prompt = await commands.promptFeedback(e.conversationId, e.promptId, e.feedback);
        return prompt ? { ok: true } : noSuch('prompt');
      });
      await socket.join(agentRoom(agentId));
      // A recovered connection already got what it missed; a fresh one gets the current state.
      if (!socket.recovered) {
        const live = await store.list({ status: 'live', agentId });
        socket.emit('snapshot', live.map((c) => viewOf(c, clock())));
      }
    }, log),
  );

  /** Everyone on the wall now, once each (a supervisor may have several tabs), across processes. */
  const online = async (): Promise<OnlineSupervisor[]> => {
    const byId = new Map<string, OnlineSupervisor>();
    for (const s of await supervisors.in(SUPERVISORS).fetchSockets()) byId.set(s.data.principal.id, { id: s.data.principal.id, name: s.data.principal.name });
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  };
  const announceOnline = () =>
    online().then(
      (list) => supervisors.to(SUPERVISORS).emit('supervisors', list),
      (err: unknown) => log.warn({ err }, 'could not list the supervisors online'),
    );

  supervisors.on(
    'connection',
    onConnection(async (socket: Socket<SupervisorClientToServer, SupervisorServerToClient, NoEvents, SocketData>) => {
      const on = handlersFor<SupervisorClientToServer>(socket, { log, allow: limits.allow });
      const name = socket.data.principal.name;
      socket.on('disconnect', () => void announceOnline());
      on('alert:ack', AlertRef, async (e) => {
        const alert = await commands.acknowledgeAlert(e.alertId, name);
        return alert ? ok(alert) : noSuch('alert');
      });
      on('alert:assign', AssignEvent, async (e) => {
        const assignee = (await online()).find((s) => s.id === e.to);
        if (!assignee) return refusal('invalid', 'assign to a supervisor who is on the wall now', [{ field: 'to', message: 'must be a supervisor on the wall now' }]);
        // The assignee hears of it through the publisher (alert:assigned to their own room).
        const alert = await commands.assignAlert(e.alertId, assignee.id, name);
        return alert ? ok(alert) : noSuch('alert');
      });
      on('whisper', WhisperEvent, async (e) => {
        const prompt = await commands.whisper(e.conversationId, e.text, name);
        return prompt ? ok(prompt) : noSuch('live conversation');
      });
      on('watch', ConversationRef, async (e) => {
        const c = await store.get(e.conversationId);
        if (!c) return noSuch('conversation');
        await socket.join(watchRoom(c.id));
        return ok(viewOf(c, clock()));
      });
      on('unwatch', ConversationRef, async (e) => {
        await socket.leave(watchRoom(e.conversationId));
        return undefined;
      });
      await socket.join([SUPERVISORS, supervisorRoom(socket.data.principal.id)]);
      void announceOnline();
      if (!socket.recovered) {
        const live = await store.list({ status: 'live' });
        socket.emit('wall', live.map((c) => summarize(c, clock())));
      }
    }, log),
  );
}
