import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { SocketMiddleware } from '../auth/socket.ts';
import type { z } from 'zod';
import { invalidInput, refusal } from '../api/refusal.ts';
import type { Refusal } from '../contract/index.ts';

/**
 * The one way an inbound socket event is handled, on every namespace: whatever a client sends (no
 * ack, an ack in the wrong place, wrong types, objects where strings belong, huge payloads), the
 * handler answers with data or a `Refusal`, and nothing it does can throw out of socket.io.
 */

/** The reply an event's ack takes, read from the namespace's event map. */
type ReplyOf<F> = F extends (e: never, ack: (reply: infer R) => void) => void ? R : undefined;

/** Spends one event of the sender's rate allowance; a refusal when it is used up. */
type Allowance = (socket: Socket) => Promise<Refusal | undefined>;

/** Rate limits on handshakes (wrapping the sign-in check) and on every event. */
export interface SocketLimits {
  guard: (check: SocketMiddleware) => SocketMiddleware;
  allow: Allowance;
}

interface HandlerDeps {
  log: Logger;
  allow: Allowance;
}

/** socket.io calls a listener with the payload, then the ack when the client asked for one. */
function split(args: unknown[]): { payload: unknown; ack?: (reply: unknown) => void } {
  const last = args.at(-1);
  if (typeof last !== 'function') return { payload: args[0] };
  return { payload: args.length > 1 ? args[0] : undefined, ack: last as (reply: unknown) => void };
}

/**
 * Returns `on(event, schema, run)` for one socket, typed by its namespace's client-to-server map
 * `M`: the payload is parsed with `schema` before `run` sees it, and `run`'s reply goes to the ack
 * when there is one. A reply nobody asked for is dropped; a failure is logged and answered `internal`.
 */
export function handlersFor<M>(socket: Socket, { log, allow }: HandlerDeps) {
  return <E extends keyof M & string, S extends z.ZodType>(event: E, schema: S, run: (input: z.output<S>) => Promise<ReplyOf<M[E]>>): void => {
    socket.on(event as string, async (...args: unknown[]) => {
      const { payload, ack } = split(args);
      let reply: unknown;
      try {
        const limited = await allow(socket);
        if (limited) reply = limited;
        else {
          const parsed = schema.safeParse(payload);
          reply = parsed.success ? await run(parsed.data) : invalidInput(parsed.error, '(event)');
        }
      } catch (error) {
        log.error({ err: error, namespace: socket.nsp.name, event }, 'socket event failed');
        reply = refusal('internal', 'the server could not handle this; it has been logged');
      }
      try {
        ack?.(reply);
      } catch (error) {
        log.warn({ err: error, namespace: socket.nsp.name, event }, 'socket ack failed');
      }
    });
  };
}

/**
 * A namespace's connection listener that cannot fail silently: if setting the socket up fails (the
 * store down while reading the snapshot), the socket is told why and disconnected, and the client
 * connects again for a fresh start instead of waiting on a snapshot that never comes.
 */
export function onConnection<S extends Socket>(setUp: (socket: S) => Promise<void>, log: Logger): (socket: S) => void {
  return (socket) => {
    setUp(socket).catch((error: unknown) => {
      log.error({ err: error, namespace: socket.nsp.name }, 'socket set-up failed');
      socket.disconnect(true);
    });
  };
}
