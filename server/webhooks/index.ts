import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import type { TokenService } from '../auth/tokens.ts';
import type { Pipeline } from '../pipeline.ts';
import { connectRedis } from '../redis/index.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { watchPipeline } from './events.ts';
import { webhookRoutes } from './http.ts';
import { MemoryWebhookQueue, type WebhookQueue } from './queue.ts';
import { RedisWebhookQueue } from './redis-queue.ts';

export { MemoryWebhookQueue, WEBHOOK_EVENTS, type Delivery, type DeliveryAttempt, type WebhookEvent, type WebhookQueue } from './queue.ts';
export { RedisWebhookQueue } from './redis-queue.ts';
export { SIGNATURE_HEADER, sign, verify } from './signature.ts';

/** Durable in Redis when Redis is configured (deliveries survive restarts, processes share them), else in memory. */
export async function webhookQueueFor(redisUrl: string | undefined): Promise<WebhookQueue> {
  return redisUrl ? new RedisWebhookQueue(await connectRedis(redisUrl, 'webhooks', { queueWhileOffline: true })) : new MemoryWebhookQueue();
}

export interface WebhooksOptions {
  pipeline: Pipeline;
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

/** Webhooks wired up: pipeline events queued in order, a dispatcher sending them, routes for the log and dead letters. */
export function startWebhooks(o: WebhooksOptions): { routes: Router; stop: () => Promise<void> } {
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
  const unwatch = watchPipeline(
    o.pipeline,
    (event) => {
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
    async stop() {
      unwatch();
      await queued;
      await dispatcher.stop();
      await o.queue.close();
    },
  };
}
