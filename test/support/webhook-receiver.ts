import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '../../server/webhooks/index.ts';
import type { WebhookEvent } from '../../server/webhooks/index.ts';

export interface Received {
  key: string;
  event: WebhookEvent;
  headers: IncomingHttpHeaders;
  signatureValid: boolean;
}

/**
 * A ticketing system's webhook endpoint on 127.0.0.1: verifies signatures, keeps every request, and
 * can be taken down and brought back on the same port. `answer` decides the status of each request.
 */
export class WebhookReceiver {
  readonly requests: Received[] = [];
  answer: (r: Received) => number = () => 200;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** First-seen events by idempotency key, in arrival order: what a deduplicating receiver acts on. */
  get unique(): Received[] {
    const seen = new Set<string>();
    return this.requests.filter((r) => {
      if (!r.signatureValid || seen.has(r.key)) return false;
      seen.add(r.key);
      return true;
    });
  }

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const r: Received = {
          key: String(req.headers['idempotency-key']),
          event: JSON.parse(body) as WebhookEvent,
          headers: req.headers,
          signatureValid: verify(this.secret, req.headers['rapport-signature'] as string | undefined, body, Date.now()),
        };
        this.requests.push(r);
        res.writeHead(r.signatureValid ? this.answer(r) : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Resolves once `condition` holds, checking every few ms (fails the test by its timeout otherwise). */
export async function until(condition: () => boolean | Promise<boolean>, intervalMs = 10): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, intervalMs));
}
