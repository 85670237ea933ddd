import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { ServerOptions } from 'socket.io';
import { RateLimits } from './auth/limits.ts';
import type { Config } from './config.ts';
import { InProcessQueue, RedisStreamQueue, type TurnQueue } from './queue/index.ts';
import { connectRedis, DAY_MS, MemoryStore, RedisStore, type Store } from './store/index.ts';
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
  webhookQueue(): WebhookQueue;
  /** Closes the connections the store and queue do not own; after they are closed. */
  close(): Promise<void>;
}

/**
 * The socket.io stream keeps this many broadcasts for connection-state recovery: two minutes (the
 * recovery window) at about 400 broadcasts a second. A disconnect that outlasts what the stream still
 * holds falls back to a fresh snapshot instead of a replay.
 */
const SOCKET_STREAM_MAX_LEN = 50_000;

export function openBackend(config: Config, log: Logger): Backend {
  if (!config.redisUrl) {
    return { store: new MemoryStore(), queue: new InProcessQueue(), limits: new RateLimits(config.rateLimits), webhookQueue: () => new MemoryWebhookQueue(), close: async () => {} };
  }
  const url = config.redisUrl;
  const clients = {
    store: connectRedis(url, 'store'),
    queue: connectRedis(url, 'queue'),
    queueReader: connectRedis(url, 'queue-reader'),
    adapter: connectRedis(url, 'socket.io'),
  };
  // One line when a connection goes down and one when it is back, not one per reconnect attempt.
  for (const [name, client] of Object.entries(clients)) {
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) log.warn({ connection: name, err: error.message }, 'redis unreachable; reconnecting, commands wait');
      down = true;
    });
    client.on('ready', () => {
      if (down) log.info({ connection: name }, 'redis reachable again');
      down = false;
    });
  }
  // Rate limits fall back to per-process limits while Redis is away, so this client never queues commands.
  const limiter = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (attempt) => Math.min(attempt * 100, 1000) } });
  limiter.on('error', () => {});
  void limiter.connect().catch(() => undefined);
  const store = new RedisStore(clients.store, { retentionMs: config.retentionDays * DAY_MS, liveTtlMs: DAY_MS });
  const queue = new RedisStreamQueue(clients.queue, clients.queueReader, log, { shards: config.streamShards });
  return {
    store,
    queue,
    limits: new RateLimits(config.rateLimits, limiter),
    adapter: createAdapter(clients.adapter, { streamName: 'rapport:socket.io', sessionKeyPrefix: 'rapport:sio:session:', maxLen: SOCKET_STREAM_MAX_LEN }),
    webhookQueue: () => new RedisWebhookQueue(connectRedis(url, 'webhooks')),
    async close() {
      clients.queue.disconnect();
      clients.adapter.disconnect();
      limiter.destroy();
    },
  };
}
