import type { Namespace, Socket } from 'socket.io';
import { AuthError, type Principal, type Role, type TokenService } from './tokens.ts';

/** What a socket carries: who opened it, on which namespace. Kept in a recoverable session as it is. */
export interface SocketData {
  principal: Principal;
  namespace: string;
}

export type SocketMiddleware = (socket: Socket, next: (error?: Error) => void) => void;

/** A restored session's data, with the events it missed held back until its owner is checked. */
interface RestoredData extends Partial<SocketData> {
  held?: unknown[][];
}

/** socket.io's EVENT packet type (socket.io-parser), for replaying held events as socket.io would. */
const EVENT_PACKET = 2;

/**
 * socket.io sends a restored session's missed events as soon as it restores the session, before any
 * middleware has looked at the token. Here the adapter hands them over with the session's data
 * instead, and `socketAuth` sends them once it knows the session is the caller's own.
 */
function holdMissedEvents(nsp: Namespace): void {
  const adapter = nsp.adapter;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    return { ...session, missedPackets: [], data: { ...(session.data as object), held: session.missedPackets } };
  };
}

function replay(socket: Socket, held: unknown[][]): void {
  const raw = socket as unknown as { packet(p: { type: number; data: unknown[] }): void };
  for (const data of held) raw.packet({ type: EVENT_PACKET, data });
}

/**
 * socket.io middleware: a valid token of one of `roles` in `handshake.auth.token`, kept as
 * `socket.data.principal`. It runs on recovered connections too (the server does not skip
 * middlewares): a session comes back only to the same identity and role, on the namespace that
 * created it, with a token that is still valid. Sessions may be kept in Redis for every namespace at
 * once, so without this a session id alone would open another namespace or another agent's rooms.
 */
function socketAuth(tokens: TokenService, roles: readonly Role[]): SocketMiddleware {
  return (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    tokens
      .verify(typeof token === 'string' ? token : undefined)
      .then((principal: Principal) => {
        if (!roles.includes(principal.role)) return next(new Error(`the ${principal.role} role may not open ${socket.nsp.name}`));
        if (socket.recovered) {
          const owner = socket.data as RestoredData;
          if (owner.namespace !== socket.nsp.name || owner.principal?.id !== principal.id || owner.principal?.role !== principal.role) {
            return next(new Error('this session belongs to another sign-in or namespace: connect without it'));
          }
          replay(socket, owner.held ?? []);
        }
        const data: SocketData = { principal, namespace: socket.nsp.name };
        socket.data = data;
        next();
      })
      .catch((error: unknown) => next(new Error(error instanceof AuthError ? error.message : 'sign-in failed')));
  };
}

/**
 * Opens `nsp` to signed-in `roles` only: every handshake, fresh or recovering, passes the rate
 * limits and the token check, and a recovered session gets its missed events only after both.
 */
export function guardNamespace(nsp: Namespace, tokens: TokenService, roles: readonly Role[], limits: { guard: (check: SocketMiddleware) => SocketMiddleware }): void {
  holdMissedEvents(nsp);
  nsp.use(limits.guard(socketAuth(tokens, roles)));
  nsp.on('connection', (socket: Socket) => {
    const { principal } = socket.data as SocketData;
    void socket.join(tokenRoom(principal.tokenId));
    // A socket lives no longer than its sign-in; reconnecting then needs a valid token again.
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, principal.expiresAt - Date.now())));
    socket.once('disconnect', () => clearTimeout(expiry));
  });
  // A revoked token's sockets are closed on every process (the room broadcast crosses the adapter).
  tokens.onRevoke((jti) => nsp.in(tokenRoom(jti)).disconnectSockets(true));
}

const tokenRoom = (jti: string) => `token:${jti}`;
/** setTimeout's longest delay (about 24.8 days); a longer-lived token's socket re-checks it then. */
const MAX_TIMER_MS = 2 ** 31 - 1;
