import type { Namespace, Server } from 'socket.io';
import { socketAuth } from '../auth/socket.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { IngestClientToServer, NoEvents } from '../contract/index.ts';
import type { Ingest } from './accept.ts';

/** The `/ingest` namespace: a chat platform or speech-to-text bridge streams turns, each answered by an ack. */
export function attachIngestNamespace(io: Server, ingest: Ingest, tokens: TokenService): void {
  const ns: Namespace<IngestClientToServer, NoEvents> = io.of('/ingest');
  ns.use(socketAuth(tokens, ['ingest']));
  ns.on('connection', (socket) => {
    // Without an ack the sender could never learn of a rejection, so such events are ignored.
    socket.on('turn', async (raw, ack) => {
      if (typeof ack === 'function') ack(await ingest.turn(raw));
    });
    socket.on('conversation:end', async (raw, ack) => {
      if (typeof ack === 'function') ack(await ingest.end(raw));
    });
  });
}
