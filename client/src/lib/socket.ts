/**
 * The one socket layer: typed connections to /agent and /supervisor, plus a connection state the
 * screens show (online, reconnecting, offline). socket.io reconnects by itself. After a reconnect
 * the session is either recovered (the server replays every event missed meanwhile) or not (a long
 * disconnect, or the process that held it died): then the server sends a fresh snapshot or wall,
 * which replaces what the screen holds; a screen re-asks for anything else it follows (the wall
 * re-watches its open drawer when `socket.recovered` is false). Either way nothing is silently missed.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AgentClientToServer,
  AgentServerToClient,
  SupervisorClientToServer,
  SupervisorServerToClient,
  Refusal,
} from '../../../server/contract/index.ts';

export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;
export type SupervisorSocket = Socket<SupervisorServerToClient, SupervisorClientToServer>;

export type LinkState = 'connecting' | 'online' | 'reconnecting' | 'refused';

export interface Link<S> {
  socket: S;
  close(): void;
}

/**
 * Connects to a namespace and reports the link state. A connect_error from the auth middleware
 * (bad, expired or wrong-role token) is final: the socket stops retrying and `onRefused` says why.
 */
/** An event map as socket.io takes it: event names to listener signatures. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's own EventsMap is `{ [event: string]: any }`.
type EventsMap = Record<string, any>;

function open<Listen extends EventsMap, Emit extends EventsMap>(
  namespace: string,
  token: string,
  onState: (state: LinkState) => void,
  onRefused: (message: string) => void,
): Link<Socket<Listen, Emit>> {
  // Typed by the contract's event maps, the way socket.io's client documents it.
  const socket: Socket<Listen, Emit> = io(namespace, { auth: { token }, transports: ['websocket'] });
  onState('connecting');
  socket.on('connect', () => onState('online'));
  socket.on('disconnect', (reason) => {
    // A server-side disconnect is not retried by socket.io; everything else is.
    if (reason === 'io server disconnect') socket.connect();
    onState('reconnecting');
  });
  socket.on('connect_error', (error) => {
    if (socket.active) {
      onState('reconnecting');
      return;
    }
    onState('refused');
    onRefused(error.message);
  });
  return { socket, close: () => void socket.disconnect() };
}

export const connectAgent = (token: string, onState: (s: LinkState) => void, onRefused: (m: string) => void) =>
  open<AgentServerToClient, AgentClientToServer>('/agent', token, onState, onRefused);

export const connectSupervisor = (token: string, onState: (s: LinkState) => void, onRefused: (m: string) => void) =>
  open<SupervisorServerToClient, SupervisorClientToServer>('/supervisor', token, onState, onRefused);

/** A refusal from the server, with its message shown as it is. */
class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'RefusedError';
  }
}

/** emit with an acknowledgement, as a promise that rejects with the refusal's message on `{ ok: false }` or after a timeout. */
export function request<T>(send: (ack: (reply: { ok: true; data?: T } | Refusal) => void) => void, timeoutMs = 5000): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the server')), timeoutMs);
    send((reply) => {
      clearTimeout(timer);
      if (reply.ok) resolve(reply.data);
      else reject(new RefusedError(reply));
    });
  });
}
