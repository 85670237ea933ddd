import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import type { TokenService } from '../auth/tokens.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { webhookPublisher } from './events.ts';
import type { Publisher } from '../outcome.ts';
import { webhookRoutes } from './http.ts';
import type { WebhookQueue } from './queue.ts';

export { WebhookDispatcher } from './dispatcher.ts';
export { alertTransition } from './events.ts';
export { MemoryWebhookQueue, WEBHOOK_EVENTS, type Delivery, type DeliveryAttempt, type WebhookEvent, type WebhookQueue } from './queue.ts';
export { RedisWebhookQueue } from './redis-queue.ts';
export { SIGNATURE_HEADER, sign, verify } from './signature.ts';

export interface WebhooksOptions {
  tokens: TokenService;
  queue: WebhookQueue;
  url: string;
  secret: string;
  maxAttempts: number;
  /** The first retry's delay; each further one doubles it, up to 10 minutes. */
  retryBaseMs: number;
  clock: () => number;
  onError: (error: unknown) => void;
}

/** Webhooks wired up: a publisher queueing events in order, a dispatcher sending them, routes for the log and dead letters. */
export function startWebhooks(o: WebhooksOptions): { routes: Router; publisher: Publisher; stop: () => Promise<void> } {
  const clock = o.clock;
  const dispatcher = new WebhookDispatcher({
    ...o,
    baseDelayMs: o.retryBaseMs,
    maxDelayMs: 600_000,
    // Due retries are looked for at least as often as the shortest backoff.
    pollMs: Math.min(1000, o.retryBaseMs),
    timeoutMs: 10_000,
    concurrency: 16,
  });
  let queued: Promise<void> = Promise.resolve();
  let stopped = false;
  const publisher = webhookPublisher(
    (event) => {
      if (stopped) return;
      // Chained, so events reach the queue in the order they happened even when pushes are async (Redis).
      queued = queued
        .then(() => o.queue.push({ id: randomUUID(), event, attempts: 0, nextAttemptAt: clock() }))
        .then(() => dispatcher.wake(), o.onError);
    },
    clock,
  );
  dispatcher.start();
  return {
    routes: webhookRoutes(o.queue, dispatcher, o.tokens, clock),
    publisher,
    async stop() {
      stopped = true;
      await queued;
      await dispatcher.stop();
      await o.queue.close();
    },
  };
}
