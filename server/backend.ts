import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { ServerOptions } from 'socket.io';
import { RateLimits } from './auth/limits.ts';
import type { Config } from './config.ts';
import { InProcessQueue, RedisStreamQueue, type TurnQueue } from './queue/index.ts';
import { closeRedis, connectRedis } from './redis/index.ts';
import { MemoryStore, RedisStore, storeExpiry, type Store } from './store/index.ts';
import { MemoryWebhookQueue, RedisWebhookQueue, type WebhookQueue } from './webhooks/index.ts';

/**
 * Where state lives and how processes cooperate: everything in this process (the one-command demo),
 * or Redis shared by any number of processes (REDIS_URL / --redis).
 */
export interface Backend {
  store: Store;
  queue: TurnQueue;
  /** Makes socket.io room broadcasts reach sockets on every process, and recovers sessions across them. */
  adapter?: ServerOptions['adapter'];
  /** Rate limits, shared by every process in Redis mode. */
  limits: RateLimits;
  /** The webhook deliveries' queue, opened only when webhooks are configured: durable in Redis (deliveries survive restarts, processes share them), else in memory. */
  webhookQueue(): Promise<WebhookQueue>;
  /** Closes the connections the store and queue do not own; after they are closed. */
  close(): Promise<void>;
}

/**
 * The socket.io stream keeps this many broadcasts for connection-state recovery: two minutes (the
 * recovery window) at about 400 broadcasts a second. A disconnect that outlasts what the stream still
 * holds falls back to a fresh snapshot instead of a replay.
 */
const SOCKET_STREAM_MAX_LEN = 50_000;

/** Connects to Redis when configured; rejects within a few seconds, naming the URL, when it cannot. */
export async function openBackend(config: Config, log: Logger): Promise<Backend> {
  if (!config.redisUrl) {
    return { store: new MemoryStore(storeExpiry(config.retentionDays)), queue: new InProcessQueue(), limits: new RateLimits(config.rateLimits), webhookQueue: async () => new MemoryWebhookQueue(), close: async () => {} };
  }
  const url = config.redisUrl;
  const opened = await Promise.allSettled([
    connectRedis(url, 'store', { log }),
    connectRedis(url, 'queue', { log }),
    connectRedis(url, 'queue-reader', { log }),
    // The adapter's read loop retries at once on a failure: its commands wait for the reconnect instead.
    connectRedis(url, 'socket.io', { log, queueWhileOffline: true }),
  ]);
  const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.find((o) => o.status === 'rejected');
  if (failed) {
    for (const client of clients) client.destroy();
    throw failed.reason;
  }
  const [storeClient, queueClient, readerClient, adapterClient] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0], (typeof clients)[0]];
  // Rate limits fall back to per-process limits while Redis is away, so this client never queues commands.
  const limiter = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (attempt) => Math.min(attempt * 100, 1000) } });
  limiter.on('error', () => {});
  void limiter.connect().catch(() => undefined);
  const store = new RedisStore(storeClient, storeExpiry(config.retentionDays));
  const queue = new RedisStreamQueue(queueClient, readerClient, log, { shards: config.streamShards });
  return {
    store,
    queue,
    limits: new RateLimits(config.rateLimits, limiter),
    adapter: createAdapter(adapterClient, { streamName: 'rapport:socket.io', sessionKeyPrefix: 'rapport:sio:session:', maxLen: SOCKET_STREAM_MAX_LEN }),
    // Webhook events wait out a short blip instead of being dropped.
    webhookQueue: async () => new RedisWebhookQueue(await connectRedis(url, 'webhooks', { log, queueWhileOffline: true })),
    async close() {
      await closeRedis(queueClient);
      await closeRedis(adapterClient);
      limiter.destroy();
    },
  };
}
