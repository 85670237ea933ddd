import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Turn } from '../../domain/turn.ts';
import type { RedisClient } from '../../redis/index.ts';
import type { QueueStats, ShardStats, TurnHandler, TurnQueue } from '../queue.ts';
import { measureShards, trimShard } from './backlog.ts';
import { StreamConsumer } from './consumer.ts';
import { dedupeKey, GROUP, SHARD_COUNT, shardOf, streamKey } from './keys.ts';
import { ShardLeases } from './leases.ts';
import { settleShard } from './settle.ts';

/**
 * Turns through Redis Streams, scored by whichever Rapport processes are running.
 *
 * Sharding: a turn goes to stream `rapport:turns:<n>`, n = hash(conversationId) % shards, so all of a
 * conversation's turns sit in one stream in the order they were accepted.
 *
 * Leases (leases.ts): each shard is consumed by exactly one worker at a time. One consumer per shard
 * is what keeps per-conversation order with several workers: a consumer group alone would hand a
 * conversation's consecutive turns to different workers.
 *
 * Failover (consumer.ts): a worker that dies stops renewing; after the lease expires another worker
 * takes the shard, XAUTOCLAIMs every entry still pending in the group (the lease, not an idle time,
 * decides that the previous owner is gone), and replays them oldest first before reading new ones. A
 * worker also stops reading a shard well before its own lease could have lapsed, so two owners never
 * read at once.
 *
 * Exactly once in effect: an entry is acknowledged (XACK) only after the conversation was saved, and
 * the handler skips a turn id the conversation has already seen, so a replayed entry changes nothing.
 */

export interface RedisQueueOptions {
  shards: number;
  /** How long a shard stays owned without renewal: the failover time after a worker dies. */
  leaseMs: number;
  /** Entries read per shard at a time. */
  batch: number;
  /** How long a read waits for new entries. */
  blockMs: number;
  /** How long a turn id is remembered at enqueue time, to answer a resent turn as a duplicate. */
  dedupeMs: number;
  /** Deliveries of one entry that fail before it is set aside in the dead-letter stream. */
  maxAttempts: number;
  /** Unread entries are counted per shard up to this many (the backlog only has to exceed --max-pending). */
  countUpTo: number;
  workerId?: string;
}

export const DEFAULT_QUEUE_OPTIONS: RedisQueueOptions = { shards: 16, leaseMs: 5000, batch: 32, blockMs: 500, dedupeMs: 60 * 60_000, maxAttempts: 5, countUpTo: 10_000 };

/** Trim acknowledged entries about this often (in lease ticks). */
const TRIM_EVERY_TICKS = 10;
const SETTLE_TIMEOUT_MS = 10_000;

/** The turn is remembered and appended in one step: never remembered without being queued. */
const ENQUEUE_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], '*', 'turn', ARGV[2], 'acceptedAt', ARGV[3])
`;

export class RedisStreamQueue implements TurnQueue {
  readonly kind = 'redis-streams';
  readonly workerId: string;
  private readonly o: RedisQueueOptions;
  private readonly leases: ShardLeases;
  private consumer?: StreamConsumer;
  private lastStats: ShardStats[] = [];
  private running = false;
  private tending = false;
  private ticks = 0;
  private timer?: NodeJS.Timeout;

  /**
   * `redis` carries commands; `reader` is a connection of its own because XREADGROUP BLOCK holds
   * its connection while it waits.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly reader: RedisClient,
    private readonly log: Logger,
    options: Partial<RedisQueueOptions> = {},
  ) {
    this.o = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leases = new ShardLeases(redis, this.workerId, this.o, log);
  }

  /** Pending and unread entries as last measured (within leaseMs / 5), cluster-wide. */
  get backlog(): number {
    return this.lastStats.reduce((n, s) => n + s.lag + s.pending, 0);
  }

  async enqueue(turn: Turn, acceptedAt: number): Promise<{ duplicate: boolean }> {
    const keys = [dedupeKey(turn), streamKey(shardOf(turn.conversationId, this.o.shards))];
    const id = await this.redis.eval(ENQUEUE_SCRIPT, { keys, arguments: [String(this.o.dedupeMs), JSON.stringify(turn), String(acceptedAt)] });
    return { duplicate: id === null };
  }

  async start(handler: TurnHandler): Promise<void> {
    // Every process must hash conversations to the same shards; the first one to start decides.
    await this.redis.set(SHARD_COUNT, String(this.o.shards), { condition: 'NX' });
    const agreed = Number(await this.redis.get(SHARD_COUNT));
    if (agreed !== this.o.shards) {
      throw new Error(`Redis already holds turns in ${agreed} stream shards; start every process with --stream-shards ${agreed}`);
    }
    for (let shard = 0; shard < this.o.shards; shard++) {
      await this.redis.xGroupCreate(streamKey(shard), GROUP, '0', { MKSTREAM: true }).catch((error: Error) => {
        if (!error.message.includes('BUSYGROUP')) throw error;
      });
    }
    this.consumer = new StreamConsumer(this.redis, this.reader, this.leases, this.workerId, handler, { ...this.o, maxInFlight: 4 * this.o.batch }, this.log);
    this.running = true;
    await this.tend();
    this.timer = setInterval(() => void this.tend(), this.leases.renewEveryMs);
    this.consumer.start();
  }

  async settle(conversationId: string, timeoutMs = SETTLE_TIMEOUT_MS): Promise<boolean> {
    return settleShard(this.redis, shardOf(conversationId, this.o.shards), timeoutMs, this.log);
  }

  async stats(): Promise<QueueStats> {
    return { shards: this.lastStats, owned: this.leases.size };
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    await this.consumer?.stop();
    await this.leases.releaseAll();
  }

  /** Heartbeat, leases, stats and trimming; every leaseMs / 5. */
  private async tend(): Promise<void> {
    if (this.tending || !this.running) return;
    this.tending = true;
    try {
      await this.leases.tend((shard) => this.consumer?.taken(shard));
      const measured = await measureShards(this.redis, this.o.shards, this.o.countUpTo);
      this.lastStats = measured.map(({ shard, length, lag, pending }) => ({ shard, length, lag, pending }));
      if (this.ticks++ % TRIM_EVERY_TICKS === 0) for (const m of measured) if (this.leases.holds(m.shard)) await trimShard(this.redis, m);
    } catch (error) {
      this.log.warn({ err: error, worker: this.workerId }, 'could not tend turn shards; retrying');
    } finally {
      this.tending = false;
    }
  }
}
