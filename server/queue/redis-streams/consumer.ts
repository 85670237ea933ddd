import type { Logger } from 'pino';
import type { RedisClient } from '../../redis/index.ts';
import type { TurnHandler } from '../queue.ts';
import { acknowledge, claimPending, readEntries, setAside, type Entry } from './entries.ts';
import { DEAD_LETTERS } from './keys.ts';
import type { ShardLeases } from './leases.ts';

const FAILURE_BACKOFF_MS = 500;

export interface ConsumerOptions {
  batch: number;
  blockMs: number;
  maxAttempts: number;
  /** Entries handed to the handler and not yet finished, at most. */
  maxInFlight: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads the shards this worker holds and hands entries to the handler: one lane per conversation
 * (its turns one after another, in stream order), lanes concurrently, so conversations share the
 * model's batches. New entries are read while earlier ones are still being processed: a turn does
 * not wait for a whole batch of other conversations to finish.
 *
 * An entry is acknowledged once its handler resolved. A failure halts its conversation: later
 * entries of it are left pending, and the shard is replayed from its pending list ('0'), in order,
 * once nothing of it is in flight. A newly taken shard first claims what its previous owner left
 * pending and replays it the same way.
 */
export class StreamConsumer {
  private readonly toClaim = new Set<number>();
  private readonly toReplay = new Set<number>();
  private readonly attempts = new Map<string, number>();
  /** Per conversation: the tail of its lane. */
  private readonly lanes = new Map<string, Promise<void>>();
  /** Conversations whose lane stopped at a failure; their later entries wait for the replay. */
  private readonly halted = new Set<string>();
  /** Per shard: the entries being processed. */
  private readonly inFlight = new Map<number, Set<Promise<void>>>();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    private readonly reader: RedisClient,
    private readonly leases: ShardLeases,
    private readonly workerId: string,
    private readonly handler: TurnHandler,
    private readonly o: ConsumerOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.consume();
  }

  /** Stops reading (interrupting a blocked read) and waits for the entries in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reader.isOpen) this.reader.destroy();
    await this.loop;
  }

  /** A shard just taken: what its previous owner left pending comes first. */
  taken(shard: number): void {
    this.toClaim.add(shard);
  }

  private get inFlightCount(): number {
    let n = 0;
    for (const set of this.inFlight.values()) n += set.size;
    return n;
  }

  private async consume(): Promise<void> {
    while (this.running) {
      try {
        const extras = this.leases.extras();
        if (extras.length > 0) {
          // What of theirs is in flight finishes here first: the next owner replays only what is left
          // pending, so a conversation's turns never run in two processes at once.
          await this.drain(extras);
          await this.leases.giveBack(extras);
          for (const shard of extras) {
            this.toClaim.delete(shard);
            this.toReplay.delete(shard);
          }
        }
        const shards = this.leases.readable(this.o.blockMs);
        if (shards.length === 0) {
          await sleep(this.o.blockMs);
          continue;
        }
        const replay = shards.filter((s) => this.toClaim.has(s) || this.toReplay.has(s));
        if (replay.length > 0) await this.replay(replay);
        else if (this.inFlightCount >= this.o.maxInFlight) await Promise.race([...this.inFlight.values()].flatMap((set) => [...set]));
        else for (const e of await readEntries(this.reader, this.workerId, shards, '>', this.o)) this.dispatch(e);
      } catch (error) {
        if (!this.running) break;
        // Whatever was delivered but not processed is in this worker's pending list: replay it first.
        for (const shard of this.leases.readable(0)) this.toReplay.add(shard);
        this.log.warn({ err: error, worker: this.workerId }, 'turn stream read failed; retrying');
        await sleep(FAILURE_BACKOFF_MS);
      }
    }
    await this.drain([...this.inFlight.keys()]);
  }

  /** Claims where needed, then processes one page of each shard's pending entries, in order. */
  private async replay(shards: number[]): Promise<void> {
    await this.drain(shards);
    for (const shard of shards.filter((s) => this.toClaim.has(s))) {
      const claimed = await claimPending(this.redis, shard, this.workerId);
      if (claimed > 0) this.log.info({ shard, claimed, worker: this.workerId }, 'claimed turns left pending by another worker');
      this.toClaim.delete(shard);
      this.toReplay.add(shard);
    }
    const entries = await readEntries(this.reader, this.workerId, shards, '0', this.o);
    // A replay read that comes back empty for a shard means its backlog is done.
    for (const shard of shards) if (!entries.some((e) => e.shard === shard)) this.toReplay.delete(shard);
    for (const e of entries) if (e.turn) this.halted.delete(e.turn.conversationId);
    const failed = entries.map((e) => this.dispatch(e));
    await this.drain(shards);
    if ((await Promise.all(failed)).includes(false)) await sleep(FAILURE_BACKOFF_MS);
  }

  /** Queues the entry on its conversation's lane; resolves false if it was left pending. */
  private dispatch(e: Entry): Promise<boolean> {
    const conversationId = e.turn?.conversationId;
    const previous = conversationId === undefined ? Promise.resolve() : (this.lanes.get(conversationId) ?? Promise.resolve());
    let ok = true;
    const done = previous.then(async () => {
      ok = await this.process(e);
    });
    const tracked = this.inFlight.get(e.shard) ?? new Set<Promise<void>>();
    this.inFlight.set(e.shard, tracked);
    tracked.add(done);
    if (conversationId !== undefined) this.lanes.set(conversationId, done);
    void done.finally(() => {
      tracked.delete(done);
      if (conversationId !== undefined && this.lanes.get(conversationId) === done) this.lanes.delete(conversationId);
    });
    return done.then(() => ok);
  }

  /** Never rejects: a failure leaves the entry pending and its shard marked for replay. */
  private async process(e: Entry): Promise<boolean> {
    if (!e.turn) return this.setAside(e, 'unreadable');
    // Stopping, or behind a failure of its conversation: left pending, for whoever replays the shard.
    if (!this.running || this.halted.has(e.turn.conversationId)) return false;
    try {
      await this.handler(e.turn, e.acceptedAt, e.redelivered);
      this.attempts.delete(e.id);
    } catch (error) {
      this.halted.add(e.turn.conversationId);
      this.toReplay.add(e.shard);
      // A Redis outage is not the turn's fault: only failures while Redis is up count towards setting it aside.
      const attempts = (this.attempts.get(e.id) ?? 0) + (this.redis.isReady ? 1 : 0);
      this.attempts.set(e.id, attempts);
      this.log.warn({ err: error, shard: e.shard, entry: e.id, attempts }, 'turn processing failed; it stays pending');
      if (attempts >= this.o.maxAttempts) return this.setAside(e, `failed ${attempts} times`);
      return false;
    }
    try {
      await acknowledge(this.redis, e);
    } catch (error) {
      // Processed and saved; delivered again later, it is skipped as seen.
      this.toReplay.add(e.shard);
      this.log.warn({ err: error, shard: e.shard, entry: e.id }, 'could not acknowledge a processed turn; it will be seen again');
    }
    return true;
  }

  /** An entry that cannot be processed goes to the dead-letter stream for a person to look at, not lost. */
  private async setAside(e: Entry, why: string): Promise<boolean> {
    this.attempts.delete(e.id);
    try {
      await setAside(this.redis, e);
      this.log.error({ shard: e.shard, entry: e.id }, `turn set aside in ${DEAD_LETTERS}: ${why}`);
      return true;
    } catch (error) {
      this.toReplay.add(e.shard);
      this.log.warn({ err: error, shard: e.shard, entry: e.id }, 'could not set a turn aside; it stays pending');
      return false;
    }
  }

  private async drain(shards: number[]): Promise<void> {
    await Promise.all(shards.flatMap((s) => [...(this.inFlight.get(s) ?? [])]));
  }
}
