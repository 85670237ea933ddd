import type { Namespace, Server, Socket } from 'socket.io';
import { socketAuth } from '../auth/socket.ts';
import type { Principal, TokenService } from '../auth/tokens.ts';
import { summarize, viewOf, type Conversation } from '../domain/conversation.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import type {
  AgentClientToServer,
  AgentServerToClient,
  NoEvents,
  OnlineSupervisor,
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
const supervisorRoom = (supervisorId: string) => `supervisor:${supervisorId}`;
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

  /** Everyone on the wall now, once each (a supervisor may have several tabs), across processes. */
  const online = async (): Promise<OnlineSupervisor[]> => {
    const byId = new Map<string, OnlineSupervisor>();
    for (const s of await supervisors.in(SUPERVISORS).fetchSockets()) byId.set(s.data.principal.id, { id: s.data.principal.id, name: s.data.principal.name });
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  };
  const announceOnline = async () => supervisors.to(SUPERVISORS).emit('supervisors', await online());

  supervisors.on('connection', async (socket) => {
    socket.on('disconnect', () => void announceOnline());
    socket.on('alert:ack', async (e, ack) => {
      const alert = await pipeline.acknowledgeAlert(String(e?.alertId), socket.data.principal.name);
      ack(alert ? { ok: true, data: alert } : { ok: false, error: 'no such alert' });
    });
    socket.on('alert:assign', async (e, ack) => {
      const to = typeof e?.to === 'string' ? e.to : '';
      const assignee = (await online()).find((s) => s.id === to);
      if (!assignee) return ack({ ok: false, error: 'assign to a supervisor who is on the wall now' });
      const by = socket.data.principal.name;
      const alertId = String(e?.alertId);
      const owner = await store.conversationOfAlert(alertId);
      const before = owner ? (await store.get(owner))?.alerts.find((a) => a.id === alertId) : undefined;
      const alert = await pipeline.assignAlert(alertId, assignee.id, by);
      if (!alert) return ack({ ok: false, error: 'no such alert' });
      if (before?.assignedTo !== alert.assignedTo) supervisors.to(supervisorRoom(assignee.id)).emit('alert:assigned', { alert, by });
      ack({ ok: true, data: alert });
    });
    socket.on('whisper', async (e, ack) => {
      const text = typeof e?.text === 'string' ? e.text.trim() : '';
      if (!text || text.length > 1000) return ack({ ok: false, error: 'a whisper needs 1 to 1000 characters of text' });
      const prompt = await pipeline.whisper(String(e.conversationId), text, socket.data.principal.name);
      ack(prompt ? { ok: true, data: prompt } : { ok: false, error: 'no such live conversation' });
    });
    socket.on('watch', async (e, ack) => {
      const c = await store.get(String(e?.conversationId));
      if (!c) return ack({ ok: false, error: 'no such conversation' });
      await socket.join(watchRoom(c.id));
      ack({ ok: true, data: viewOf(c, clock()) });
    });
    socket.on('unwatch', (e) => void socket.leave(watchRoom(String(e?.conversationId))));
    await socket.join([SUPERVISORS, supervisorRoom(socket.data.principal.id)]);
    void announceOnline();
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
