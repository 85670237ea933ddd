import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { refusal, refuse } from '../api/refusal.ts';
import { AuthError, type Principal, type Role, type TokenService } from './tokens.ts';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Express middleware: a bearer token of one of `roles`; 401 without a valid one, 403 for another role.
 * A check that could not be made (the revocation store unreachable) is not a bad token: it goes to
 * the error handler, which answers 503.
 */
export function requireRole(tokens: TokenService, roles: readonly Role[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    tokens.verify(token).then(
      (principal) => {
        if (!roles.includes(principal.role)) {
          refuse(res, refusal('forbidden', `the ${principal.role} role may not do this`));
          return;
        }
        req.principal = principal;
        next();
      },
      (error: unknown) => (error instanceof AuthError ? refuse(res, refusal('unauthorized', error.message)) : next(error)),
    );
  };
}
