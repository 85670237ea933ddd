import type { Socket } from 'socket.io';
import type { Commands } from '../commands.ts';
import { summarize, viewOf } from '../domain/conversation.ts';
import type { Store } from '../store/index.ts';
import type { AgentClientToServer, AgentServerToClient, NoEvents } from '../contract/index.ts';
import { agentRoom, SUPERVISORS, watchRoom, type Namespaces, type SocketData } from './rooms.ts';

/**
 * What sockets send: handlers that translate between sockets and the commands; they decide nothing.
 * What sockets receive is `roomPublisher` (publisher.ts).
 */

export interface RealtimeDeps {
  namespaces: Namespaces;
  commands: Commands;
  store: Store;
  clock: () => number;
}

export function attachRealtime({ namespaces: { agents, supervisors }, commands, store, clock }: RealtimeDeps): void {
  agents.on('connection', async (socket: Socket<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>) => {
    const agentId = socket.data.principal.id;
    // Handlers first: the client may emit as soon as it is connected, before the snapshot is read.
    socket.on('prompt:feedback', async (e, ack) => {
      const c = await store.get(e?.conversationId);
      if (!c || c.agentId !== agentId) return ack({ ok: false, error: 'no such conversation of yours' });
      const prompt = await commands.promptFeedback(e.conversationId, e.promptId, e.feedback);
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
      const alert = await commands.acknowledgeAlert(String(e?.alertId), socket.data.principal.name);
      ack(alert ? { ok: true, data: alert } : { ok: false, error: 'no such alert' });
    });
    socket.on('alert:assign', async (e, ack) => {
      const to = typeof e?.to === 'string' ? e.to.trim() : '';
      if (!to || to.length > 100) return ack({ ok: false, error: 'assign needs a supervisor name of 1 to 100 characters' });
      const alert = await commands.assignAlert(String(e?.alertId), to, socket.data.principal.name);
      ack(alert ? { ok: true, data: alert } : { ok: false, error: 'no such alert' });
    });
    socket.on('whisper', async (e, ack) => {
      const text = typeof e?.text === 'string' ? e.text.trim() : '';
      if (!text || text.length > 1000) return ack({ ok: false, error: 'a whisper needs 1 to 1000 characters of text' });
      const prompt = await commands.whisper(String(e.conversationId), text, socket.data.principal.name);
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
}
