import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Turn } from '../domain/turn.ts';
import type { QueueStats, ShardStats, TurnHandler, TurnQueue } from './queue.ts';

/**
 * Turns through Redis Streams, scored by whichever Rapport processes are running.
 *
 * Sharding: a turn goes to stream `rapport:turns:<n>`, n = hash(conversationId) % shards, so all of a
 * conversation's turns sit in one stream in the order they were accepted.
 *
 * Leases: each shard is consumed by exactly one worker at a time, the holder of
 * `rapport:shard:<n>:owner` (SET NX PX, renewed every second). One consumer per shard is what keeps
 * per-conversation order with several workers: a consumer group alone would hand a conversation's
 * consecutive turns to different workers. Workers share the shards fairly: each holds at most
 * ceil(shards / live workers) and gives back extras when a worker joins.
 *
 * Failover: a worker that dies stops renewing; after the lease expires another worker takes the shard,
 * XAUTOCLAIMs every entry still pending in the group (the lease, not an idle time, decides that the
 * previous owner is gone), and replays them oldest first before reading new ones. A worker also stops
 * reading a shard well before its own lease could have lapsed, so two owners never read at once.
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
  workerId?: string;
}

export const DEFAULT_QUEUE_OPTIONS: RedisQueueOptions = { shards: 16, leaseMs: 5000, batch: 32, blockMs: 500, dedupeMs: 60 * 60_000, maxAttempts: 5 };

const GROUP = 'scorers';
const streamKey = (shard: number) => `rapport:turns:${shard}`;
const leaseKey = (shard: number) => `rapport:shard:${shard}:owner`;
const dedupeKey = (turn: Turn) => `rapport:queued:${turn.conversationId}:${turn.turnId}`;
const WORKERS = 'rapport:workers';
const DEAD_LETTERS = 'rapport:turns:dead';
const SHARD_COUNT = 'rapport:config:shards';
/** Trim acknowledged entries about this often (in lease ticks). */
const TRIM_EVERY_TICKS = 10;
const FAILURE_BACKOFF_MS = 500;
const SETTLE_TIMEOUT_MS = 10_000;
const SETTLE_POLL_MS = 20;

/** The turn is remembered and appended in one step: never remembered without being queued. */
const ENQUEUE_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], '*', 'turn', ARGV[2], 'acceptedAt', ARGV[3])
`;
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** FNV-1a: stable across processes and versions, unlike anything seeded. */
export function shardOf(conversationId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) {
    h ^= conversationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

interface Entry {
  shard: number;
  id: string;
  turn?: Turn;
  acceptedAt: number;
  redelivered: boolean;
}

type StreamReply = [key: string, entries: [id: string, fields: string[] | null][]][] | null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RedisStreamQueue implements TurnQueue {
  readonly kind = 'redis-streams';
  readonly workerId: string;
  private readonly o: RedisQueueOptions;
  /** Shard -> until when (local clock) this worker may read it, from its last lease renewal. */
  private readonly owned = new Map<number, number>();
  /** Shards whose previous owner's pending entries must be claimed before reading. */
  private readonly toClaim = new Set<number>();
  /** Shards whose pending entries (claimed or failed here) must be replayed before new ones. */
  private readonly toReplay = new Set<number>();
  private readonly attempts = new Map<string, number>();
  private fairShare: number;
  private lastStats: ShardStats[] = [];
  private handler?: TurnHandler;
  private running = false;
  private tending = false;
  private ticks = 0;
  /** Counts the reader's lost connections; see `read`. */
  private readerDrops = 0;
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;

  /**
   * `redis` carries commands; `reader` is a connection of its own because XREADGROUP BLOCK holds
   * its connection while it waits.
   */
  constructor(
    private readonly redis: Redis,
    private readonly reader: Redis,
    private readonly log: Logger,
    options: Partial<RedisQueueOptions> = {},
  ) {
    this.o = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.fairShare = this.o.shards;
    reader.on('close', () => this.readerDrops++);
  }

  private get renewEveryMs(): number {
    return Math.floor(this.o.leaseMs / 5);
  }

  get backlog(): number {
    return this.lastStats.reduce((n, s) => n + s.lag + s.pending, 0);
  }

  async enqueue(turn: Turn, acceptedAt: number): Promise<{ duplicate: boolean }> {
    const id = await this.redis.eval(ENQUEUE_SCRIPT, 2, dedupeKey(turn), streamKey(shardOf(turn.conversationId, this.o.shards)), this.o.dedupeMs, JSON.stringify(turn), acceptedAt);
    return { duplicate: id === null };
  }

  async start(handler: TurnHandler): Promise<void> {
    // Every process must hash conversations to the same shards; the first one to start decides.
    await this.redis.set(SHARD_COUNT, this.o.shards, 'NX');
    const agreed = Number(await this.redis.get(SHARD_COUNT));
    if (agreed !== this.o.shards) {
      throw new Error(`Redis already holds turns in ${agreed} stream shards; start every process with --stream-shards ${agreed}`);
    }
    for (let shard = 0; shard < this.o.shards; shard++) {
      await this.redis.xgroup('CREATE', streamKey(shard), GROUP, '0', 'MKSTREAM').catch((error: Error) => {
        if (!error.message.includes('BUSYGROUP')) throw error;
      });
    }
    this.handler = handler;
    this.running = true;
    await this.tend();
    this.timer = setInterval(() => void this.tend(), this.renewEveryMs);
    this.loop = this.consume();
  }

  /**
   * A barrier on the conversation's shard: the newest entry at the time of the call must have been
   * delivered and nothing up to it left unacknowledged. It waits for the shard's other conversations
   * too, which costs little: a healthy shard's backlog is a handful of turns.
   */
  async settle(conversationId: string, timeoutMs = SETTLE_TIMEOUT_MS): Promise<boolean> {
    const key = streamKey(shardOf(conversationId, this.o.shards));
    const info = await this.redis.xinfo('STREAM', key).catch((error: Error) => {
      if (error.message.includes('no such key')) return [];
      throw error;
    });
    const barrier = String(fieldsOf(info as (string | number)[])['last-generated-id'] ?? '0-0');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const groups = ((await this.redis.xinfo('GROUPS', key)) as (string | number)[][]).map(fieldsOf);
      const delivered = String(groups.find((g) => g.name === GROUP)?.['last-delivered-id'] ?? '0-0');
      if (compareIds(delivered, barrier) >= 0 && (await this.redis.xpending(key, GROUP, '-', barrier, 1)).length === 0) return true;
      await sleep(SETTLE_POLL_MS);
    }
    this.log.warn({ conversationId, barrier }, 'turns queued before the end of a conversation were not all processed in time');
    return false;
  }

  async stats(): Promise<QueueStats> {
    return { shards: this.lastStats, owned: this.owned.size };
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    // Interrupt a blocked read so the loop sees `running` is false.
    this.reader.disconnect();
    await this.loop;
    // Give the shards back now rather than making the others wait out the leases.
    for (const shard of this.owned.keys()) await this.redis.eval(RELEASE_SCRIPT, 1, leaseKey(shard), this.workerId).catch(() => {});
    this.owned.clear();
    await this.redis.zrem(WORKERS, this.workerId).catch(() => {});
  }

  /** Heartbeat, lease renewal and acquisition, stats and trimming; every leaseMs / 5. */
  private async tend(): Promise<void> {
    if (this.tending || !this.running) return;
    this.tending = true;
    try {
      // Redis's clock, not this machine's: heartbeats from several machines are compared.
      const [seconds, micros] = await this.redis.time();
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      await this.redis.zadd(WORKERS, now, this.workerId);
      await this.redis.zremrangebyscore(WORKERS, '-inf', now - this.o.leaseMs);
      const workers = Math.max(1, await this.redis.zcard(WORKERS));
      this.fairShare = Math.ceil(this.o.shards / workers);

      for (const shard of [...this.owned.keys()]) {
        const sent = Date.now();
        if ((await this.redis.eval(RENEW_SCRIPT, 1, leaseKey(shard), this.workerId, this.o.leaseMs)) === 1) {
          this.owned.set(shard, sent + this.o.leaseMs);
        } else {
          this.owned.delete(shard);
          this.log.warn({ shard, worker: this.workerId }, 'lost the lease on a turn shard');
        }
      }
      // Start at a different shard per worker so that workers starting together do not collide.
      const offset = shardOf(this.workerId, this.o.shards);
      const taken: number[] = [];
      for (let i = 0; i < this.o.shards && this.owned.size < this.fairShare; i++) {
        const shard = (offset + i) % this.o.shards;
        if (this.owned.has(shard)) continue;
        const sent = Date.now();
        if ((await this.redis.set(leaseKey(shard), this.workerId, 'PX', this.o.leaseMs, 'NX')) === 'OK') {
          this.owned.set(shard, sent + this.o.leaseMs);
          this.toClaim.add(shard);
          taken.push(shard);
        }
      }
      if (taken.length > 0) this.log.info({ shards: taken, worker: this.workerId }, 'took turn shards');
      await this.measure(this.ticks++ % TRIM_EVERY_TICKS === 0);
    } catch (error) {
      this.log.warn({ err: error, worker: this.workerId }, 'could not tend turn shards; retrying');
    } finally {
      this.tending = false;
    }
  }

  /** Stream length, lag and pending per shard; and, when asked, trims what every worker is done with. */
  private async measure(trim: boolean): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (let shard = 0; shard < this.o.shards; shard++) {
      pipeline.xlen(streamKey(shard));
      pipeline.xinfo('GROUPS', streamKey(shard));
    }
    const replies = (await pipeline.exec()) ?? [];
    const stats: ShardStats[] = [];
    for (let shard = 0; shard < this.o.shards; shard++) {
      const length = Number(replies[2 * shard]?.[1] ?? 0);
      const groups = (replies[2 * shard + 1]?.[1] ?? []) as (string | number)[][];
      const group = groups.map(fieldsOf).find((g) => g.name === GROUP);
      const pending = Number(group?.pending ?? 0);
      // `lag` is null when Redis cannot tell (after a trim of undelivered entries, which never happens here).
      const lag = group?.lag === null || group?.lag === undefined ? 0 : Number(group.lag);
      stats.push({ shard, length, lag, pending });
      if (trim && group && this.owned.has(shard)) await this.trim(shard, pending, String(group['last-delivered-id']));
    }
    this.lastStats = stats;
  }

  /** Drops entries older than the oldest one still pending or undelivered: never an unacknowledged turn. */
  private async trim(shard: number, pending: number, lastDelivered: string): Promise<void> {
    let keepFrom = lastDelivered;
    if (pending > 0) {
      const summary = (await this.redis.xpending(streamKey(shard), GROUP)) as [number, string | null, string | null, unknown];
      if (summary[1]) keepFrom = summary[1];
    }
    await this.redis.xtrim(streamKey(shard), 'MINID', keepFrom);
  }

  /** Shards this worker may read now: owned, with enough lease left to outlast a blocking read and a renewal. */
  private readable(): number[] {
    const horizon = Date.now() + this.o.blockMs + this.renewEveryMs;
    return [...this.owned].filter(([, until]) => until > horizon).map(([shard]) => shard);
  }

  private async consume(): Promise<void> {
    while (this.running) {
      try {
        await this.giveBackExtraShards();
        const shards = this.readable();
        if (shards.length === 0) {
          await sleep(this.o.blockMs);
          continue;
        }
        for (const shard of shards.filter((s) => this.toClaim.has(s))) {
          await this.claim(shard);
          this.toClaim.delete(shard);
          this.toReplay.add(shard);
        }
        const replay = shards.filter((s) => this.toReplay.has(s));
        const entries = replay.length > 0 ? await this.read(replay, '0') : await this.read(shards, '>');
        // A replay read that comes back empty for a shard means its backlog is done.
        for (const shard of replay) if (!entries.some((e) => e.shard === shard)) this.toReplay.delete(shard);
        if (entries.length > 0 && !(await this.processBatch(entries))) await sleep(FAILURE_BACKOFF_MS);
      } catch (error) {
        if (!this.running) break;
        // Whatever was delivered but not processed is in this worker's pending list: replay it first.
        for (const shard of this.owned.keys()) this.toReplay.add(shard);
        this.log.warn({ err: error, worker: this.workerId }, 'turn stream read failed; retrying');
        await sleep(FAILURE_BACKOFF_MS);
      }
    }
  }

  private async giveBackExtraShards(): Promise<void> {
    const extra = [...this.owned.keys()].slice(this.fairShare);
    for (const shard of extra) {
      this.owned.delete(shard);
      this.toClaim.delete(shard);
      this.toReplay.delete(shard);
      await this.redis.eval(RELEASE_SCRIPT, 1, leaseKey(shard), this.workerId);
      this.log.info({ shard, worker: this.workerId }, 'gave a turn shard back to balance the workers');
    }
  }

  /** Moves every entry another worker left pending on this shard to this worker. */
  private async claim(shard: number): Promise<void> {
    let cursor = '0-0';
    let claimed = 0;
    do {
      const reply = (await this.redis.call('XAUTOCLAIM', streamKey(shard), GROUP, this.workerId, 0, cursor, 'COUNT', 200, 'JUSTID')) as [string, string[]];
      cursor = reply[0];
      claimed += reply[1].length;
    } while (cursor !== '0-0');
    if (claimed > 0) this.log.info({ shard, claimed, worker: this.workerId }, 'claimed turns left pending by another worker');
  }

  private async read(shards: number[], from: '0' | '>'): Promise<Entry[]> {
    const args = ['GROUP', GROUP, this.workerId, 'COUNT', this.o.batch];
    if (from === '>') args.push('BLOCK', this.o.blockMs);
    args.push('STREAMS', ...shards.map(streamKey), ...shards.map(() => from));
    const drops = this.readerDrops;
    const reply = (await this.reader.call('XREADGROUP', ...args)) as StreamReply;
    // A read resent after a dropped connection may answer with later entries while the ones the lost
    // reply carried sit in the pending list: processing these now would break the order.
    if (this.readerDrops !== drops) throw new Error('the connection dropped during a read');
    const entries: Entry[] = [];
    for (const [key, items] of reply ?? []) {
      const shard = Number(key.slice(key.lastIndexOf(':') + 1));
      for (const [id, fields] of items) {
        const f = fields ? fieldsOf(fields) : {};
        entries.push({ shard, id, turn: parseTurn(f.turn), acceptedAt: Number(f.acceptedAt ?? Date.now()), redelivered: from === '0' });
      }
    }
    return entries;
  }

  /**
   * Runs the handler on a batch: conversations concurrently (they share the model's batches), each
   * conversation's turns one after another. A failure stops that conversation's later turns, which
   * stay pending and are replayed in order. Resolves false if anything failed.
   */
  private async processBatch(entries: Entry[]): Promise<boolean> {
    const byConversation = new Map<string, Entry[]>();
    const done: Entry[] = [];
    const unreadable: Entry[] = [];
    for (const e of entries) {
      if (!e.turn) unreadable.push(e);
      else byConversation.set(e.turn.conversationId, [...(byConversation.get(e.turn.conversationId) ?? []), e]);
    }
    let ok = true;
    await Promise.all(
      [...byConversation.values()].map(async (list) => {
        for (const e of list) {
          try {
            await this.handler!(e.turn!, e.acceptedAt, e.redelivered);
            done.push(e);
            this.attempts.delete(e.id);
          } catch (error) {
            ok = false;
            this.toReplay.add(e.shard);
            // A Redis outage is not the turn's fault: only failures while Redis is up count towards setting it aside.
            const attempts = (this.attempts.get(e.id) ?? 0) + (this.redis.status === 'ready' ? 1 : 0);
            this.attempts.set(e.id, attempts);
            this.log.warn({ err: error, turnId: e.turn!.turnId, conversationId: e.turn!.conversationId, attempts }, 'turn processing failed; it stays pending');
            if (attempts >= this.o.maxAttempts) unreadable.push(e);
            return;
          }
        }
      }),
    );
    for (const e of unreadable) await this.setAside(e);
    await this.ack(done);
    return ok;
  }

  /** An entry that cannot be processed goes to the dead-letter stream for a person to look at, not lost. */
  private async setAside(e: Entry): Promise<void> {
    this.attempts.delete(e.id);
    const entry = await this.redis.xrange(streamKey(e.shard), e.id, e.id);
    const fields = entry[0]?.[1] ?? [];
    await this.redis.multi().xadd(DEAD_LETTERS, '*', 'shard', e.shard, 'id', e.id, ...fields).xack(streamKey(e.shard), GROUP, e.id).exec();
    this.log.error({ shard: e.shard, id: e.id }, `turn set aside in ${DEAD_LETTERS} after failing ${this.o.maxAttempts} times or being unreadable`);
  }

  private async ack(entries: Entry[]): Promise<void> {
    const byShard = new Map<number, string[]>();
    for (const e of entries) byShard.set(e.shard, [...(byShard.get(e.shard) ?? []), e.id]);
    for (const [shard, ids] of byShard) await this.redis.xack(streamKey(shard), GROUP, ...ids);
  }
}

/** Orders stream ids ("<ms>-<seq>"). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function fieldsOf(flat: (string | number | null)[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1] ?? null;
  return out;
}

function parseTurn(raw: unknown): Turn | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const turn = JSON.parse(raw) as Turn;
    return typeof turn?.conversationId === 'string' && typeof turn.turnId === 'string' ? turn : undefined;
  } catch {
    return undefined;
  }
}
