import type { Namespace, Server, Socket } from 'socket.io';
import { socketAuth } from '../auth/socket.ts';
import type { Principal, TokenService } from '../auth/tokens.ts';
import { summarize, viewOf, type Conversation } from '../domain/conversation.ts';
import { redactText } from '../domain/pii.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import type {
  AgentClientToServer,
  AgentServerToClient,
  NoEvents,
  SupervisorClientToServer,
  SupervisorServerToClient,
} from './events.ts';

/**
 * socket.io namespaces. They translate between sockets and the pipeline; they decide nothing.
 * Rooms: `agent:<id>` gets everything about that agent's conversations, `supervisors` gets the wall,
 * `watch:<conversationId>` gets the live transcript for supervisors who opened it.
 */

interface SocketData {
  principal: Principal;
}

const agentRoom = (agentId: string) => `agent:${agentId}`;
const watchRoom = (conversationId: string) => `watch:${conversationId}`;
const SUPERVISORS = 'supervisors';

export interface RealtimeDeps {
  io: Server;
  pipeline: Pipeline;
  store: Store;
  tokens: TokenService;
  clock: () => number;
}

export function attachRealtime({ io, pipeline, store, tokens, clock }: RealtimeDeps): void {
  // One socket.io server, one typed event map per namespace (socket.io types a server with one map).
  const agents = io.of('/agent') as unknown as Namespace<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>;
  const supervisors = io.of('/supervisor') as unknown as Namespace<SupervisorClientToServer, SupervisorServerToClient, NoEvents, SocketData>;
  agents.use(socketAuth(tokens, ['agent']));
  supervisors.use(socketAuth(tokens, ['supervisor']));

  agents.on('connection', async (socket: Socket<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>) => {
    const agentId = socket.data.principal.id;
    // Handlers first: the client may emit as soon as it is connected, before the snapshot is read.
    socket.on('prompt:feedback', async (e, ack) => {
      const c = await store.get(e?.conversationId);
      if (!c || c.agentId !== agentId) return ack({ ok: false, error: 'no such conversation of yours' });
      const prompt = await pipeline.promptFeedback(e.conversationId, e.promptId, e.feedback);
      ack(prompt ? { ok: true } : { ok: false, error: 'no such prompt' });
    });
    await socket.join(agentRoom(agentId));
    // A recovered connection already got what it missed; a fresh one gets the current state.
    if (!socket.recovered) {
      const live = await store.list({ status: 'live', agentId });
      socket.emit('snapshot', live.map((c) => viewOf(c, clock())));
    }
  });

  supervisors.on('connection', async (socket) => {
    socket.on('alert:ack', async (e, ack) => {
      const alert = await pipeline.acknowledgeAlert(String(e?.alertId), socket.data.principal.name);
      ack(alert ? { ok: true, data: alert } : { ok: false, error: 'no such alert' });
    });
    socket.on('alert:assign', async (e, ack) => {
      const to = typeof e?.to === 'string' ? e.to.trim() : '';
      if (!to || to.length > 100) return ack({ ok: false, error: 'assign needs a supervisor name of 1 to 100 characters' });
      const alert = await pipeline.assignAlert(String(e?.alertId), redactText(to), socket.data.principal.name);
      ack(alert ? { ok: true, data: alert } : { ok: false, error: 'no such alert' });
    });
    socket.on('whisper', async (e, ack) => {
      const text = typeof e?.text === 'string' ? e.text.trim() : '';
      if (!text || text.length > 1000) return ack({ ok: false, error: 'a whisper needs 1 to 1000 characters of text' });
      const prompt = await pipeline.whisper(String(e.conversationId), redactText(text), socket.data.principal.name);
      ack(prompt ? { ok: true, data: prompt } : { ok: false, error: 'no such live conversation' });
    });
    socket.on('watch', async (e, ack) => {
      const c = await store.get(String(e?.conversationId));
      if (!c) return ack({ ok: false, error: 'no such conversation' });
      await socket.join(watchRoom(c.id));
      ack({ ok: true, data: viewOf(c, clock()) });
    });
    socket.on('unwatch', (e) => void socket.leave(watchRoom(String(e?.conversationId))));
    await socket.join(SUPERVISORS);
    if (!socket.recovered) {
      const live = await store.list({ status: 'live' });
      socket.emit('wall', live.map((c) => summarize(c, clock())));
    }
  });

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
