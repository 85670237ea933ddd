import type { Socket } from 'socket.io';
import { AuthError, type Principal, type Role, type TokenService } from './tokens.ts';

/** socket.io middleware: a valid token of one of `roles` in `handshake.auth.token`, kept as `socket.data.principal`. */
export function socketAuth(tokens: TokenService, roles: readonly Role[]) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    tokens
      .verify(typeof token === 'string' ? token : undefined)
      .then((principal: Principal) => {
        if (!roles.includes(principal.role)) return next(new Error(`the ${principal.role} role may not open ${socket.nsp.name}`));
        (socket.data as { principal?: Principal }).principal = principal;
        next();
      })
      .catch((error: unknown) => next(new Error(error instanceof AuthError ? error.message : 'sign-in failed')));
  };
}
