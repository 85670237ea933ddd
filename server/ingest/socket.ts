import type { Logger } from 'pino';
import type { Namespace, Server } from 'socket.io';
import { z } from 'zod';
import { guardNamespace } from '../auth/socket.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { IngestClientToServer, NoEvents } from '../contract/index.ts';
import { handlersFor, type SocketLimits } from '../realtime/handlers.ts';
import type { Ingest } from './accept.ts';

/**
 * The `/ingest` namespace: a chat platform or speech-to-text bridge streams turns, each answered by
 * an ack. A turn sent without an ack is still taken (the sender just never hears of a rejection).
 */
export function attachIngestNamespace(io: Server, ingest: Ingest, tokens: TokenService, limits: SocketLimits, log: Logger): void {
  const ns: Namespace<IngestClientToServer, NoEvents> = io.of('/ingest');
  guardNamespace(ns, tokens, ['ingest'], limits);
  ns.on('connection', (socket) => {
    const on = handlersFor<IngestClientToServer>(socket, { log, allow: limits.allow });
    // The ingest door validates turns itself, naming every field at fault.
    on('turn', z.unknown(), (raw) => ingest.turn(raw));
    on('conversation:end', z.unknown(), (raw) => ingest.end(raw));
  });
}
