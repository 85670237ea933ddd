import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import { refusal } from '../api/refusal.ts';
import { guardNamespace, type SocketData } from '../auth/socket.ts';
import type { TokenService } from '../auth/tokens.ts';
import { summarize, viewOf, type Conversation } from '../domain/conversation.ts';
import { IdSchema, visibleText } from '../ingest/schema.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import type {
  AgentClientToServer,
  AgentServerToClient,
  NoEvents,
  SupervisorClientToServer,
  SupervisorServerToClient,
} from './events.ts';
import { handlersFor, onConnection, type SocketLimits } from './handlers.ts';

/**
 * socket.io namespaces. They translate between sockets and the pipeline; they decide nothing.
 * Rooms: `agent:<id>` gets everything about that agent's conversations, `supervisors` gets the wall,
 * `watch:<conversationId>` gets the live transcript for supervisors who opened it.
 */

const agentRoom = (agentId: string) => `agent:${agentId}`;
const watchRoom = (conversationId: string) => `watch:${conversationId}`;
const SUPERVISORS = 'supervisors';
/** A whisper is a line for the agent to read mid-call, not a memo. */
const MAX_WHISPER_CHARS = 1000;

export interface RealtimeDeps {
  io: Server;
  pipeline: Pipeline;
  store: Store;
  tokens: TokenService;
  clock: () => number;
  log: Logger;
  limits: SocketLimits;
}

const ConversationRef = z.strictObject({ conversationId: IdSchema });
const AlertRef = z.strictObject({ alertId: IdSchema });
const PromptFeedbackEvent = z.strictObject({ conversationId: IdSchema, promptId: IdSchema, feedback: z.enum(['used', 'dismissed']) });
const AssignEvent = z.strictObject({ alertId: IdSchema, to: z.string({ error: 'must be a string' }).trim().min(1, 'must name a supervisor').max(100, 'must be at most 100 characters') });
const WhisperEvent = z.strictObject({ conversationId: IdSchema, text: visibleText(MAX_WHISPER_CHARS).transform((t) => t.trim()) });

const ok = <T>(data: T) => ({ ok: true as const, data });
const noSuch = (what: string) => refusal('not_found', `no such ${what}`);

export function attachRealtime({ io, pipeline, store, tokens, clock, log, limits }: RealtimeDeps): void {
  // One socket.io server, one typed event map per namespace (socket.io types a server with one map).
  const agents = io.of('/agent') as unknown as Namespace<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>;
  const supervisors = io.of('/supervisor') as unknown as Namespace<SupervisorClientToServer, SupervisorServerToClient, NoEvents, SocketData>;
  guardNamespace(agents, tokens, ['agent'], limits);
  guardNamespace(supervisors, tokens, ['supervisor'], limits);
  // Nothing is served on the main namespace; a client that opens it is told so instead of idling there.
  io.of('/').use((_socket, next) => next(new Error('connect to /agent, /supervisor or /ingest')));

  agents.on(
    'connection',
    onConnection(async (socket: Socket<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>) => {
      const agentId = socket.data.principal.id;
      const on = handlersFor<AgentClientToServer>(socket, { log, allow: limits.allow });
      // Handlers first: the client may emit as soon as it is connected, before the snapshot is read.
      on('prompt:feedback', PromptFeedbackEvent, async (e) => {
        const c = await store.get(e.conversationId);
        if (!c || c.agentId !== agentId) return refusal('not_found', 'no such conversation of yours');
        const prompt = await pipeline.promptFeedback(e.conversationId, e.promptId, e.feedback);
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

  supervisors.on(
    'connection',
    onConnection(async (socket: Socket<SupervisorClientToServer, SupervisorServerToClient, NoEvents, SocketData>) => {
      const on = handlersFor<SupervisorClientToServer>(socket, { log, allow: limits.allow });
      const name = socket.data.principal.name;
      on('alert:ack', AlertRef, async (e) => {
        const alert = await pipeline.acknowledgeAlert(e.alertId, name);
        return alert ? ok(alert) : noSuch('alert');
      });
      on('alert:assign', AssignEvent, async (e) => {
        const alert = await pipeline.assignAlert(e.alertId, e.to, name);
        return alert ? ok(alert) : noSuch('alert');
      });
      on('whisper', WhisperEvent, async (e) => {
        const prompt = await pipeline.whisper(e.conversationId, e.text, name);
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
      await socket.join(SUPERVISORS);
      if (!socket.recovered) {
        const live = await store.list({ status: 'live' });
        socket.emit('wall', live.map((c) => summarize(c, clock())));
      }
    }, log),
  );

  const toAgent = (c: Conversation) => (c.agentId ? agents.to(agentRoom(c.agentId)) : undefined);

  pipeline.on('turn', (c, turn) => {
    const e = { conversationId: c.id, turn };
    toAgent(c)?.emit('turn', e);
    supervisors.to(watchRoom(c.id)).emit('turn', e);
  });
  pipeline.on('partial', (c, turn) => {
    const e = { conversationId: c.id, speaker: turn.speaker, text: turn.text };
    toAgent(c)?.emit('partial', e);
    supervisors.to(watchRoom(c.id)).emit('partial', e);
  });
  pipeline.on('checklist', (c, checklist) => {
    const e = { conversationId: c.id, checklist };
    toAgent(c)?.emit('checklist', e);
    supervisors.to(watchRoom(c.id)).emit('checklist', e);
  });
  pipeline.on('prompt', (c, prompt) => {
    toAgent(c)?.emit('prompt', prompt);
    supervisors.to(watchRoom(c.id)).emit('prompt', prompt);
  });
  pipeline.on('alert', (c, alert, change) => {
    const event = change === 'opened' ? 'alert' : 'alert:update';
    toAgent(c)?.emit(event, alert);
    supervisors.to(SUPERVISORS).emit(event, alert);
  });
  pipeline.on('conversation', (c) => {
    const tile = summarize(c, clock());
    toAgent(c)?.emit('conversation:update', tile);
    supervisors.to(SUPERVISORS).emit('conversation:update', tile);
  });
}
