import type { Logger } from 'pino';
import type { RedisClient } from '../../redis/index.ts';
import { leaseKey, shardOf, WORKERS } from './keys.ts';

const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Which shards this worker consumes. Each shard is held by one worker at a time through
 * `rapport:shard:<n>:owner` (SET NX PX, renewed every leaseMs / 5); workers heartbeat into
 * `rapport:workers` and each holds at most ceil(shards / live workers), giving back extras when a
 * worker joins.
 */
export class ShardLeases {
  /** Shard -> until when (local clock) this worker may read it, from its last renewal. */
  private readonly owned = new Map<number, number>();
  private fairShare: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly workerId: string,
    private readonly o: { shards: number; leaseMs: number },
    private readonly log: Logger,
  ) {
    this.fairShare = o.shards;
  }

  get renewEveryMs(): number {
    return Math.floor(this.o.leaseMs / 5);
  }

  get size(): number {
    return this.owned.size;
  }

  holds(shard: number): boolean {
    return this.owned.has(shard);
  }

  /**
   * Heartbeat, renewal of the shards held and acquisition up to the fair share. `onTaken` hears of
   * each shard in the same tick it becomes readable, so the consumer claims what its previous owner
   * left pending before it can read anything newer from it.
   */
  async tend(onTaken: (shard: number) => void): Promise<void> {
    // Redis's clock, not this machine's: heartbeats from several machines are compared.
    const [seconds, micros] = await this.redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await this.redis.zAdd(WORKERS, { score: now, value: this.workerId });
    await this.redis.zRemRangeByScore(WORKERS, '-inf', now - this.o.leaseMs);
    this.fairShare = Math.ceil(this.o.shards / Math.max(1, await this.redis.zCard(WORKERS)));

    for (const shard of [...this.owned.keys()]) {
      const sent = Date.now();
      if ((await this.redis.eval(RENEW_SCRIPT, { keys: [leaseKey(shard)], arguments: [this.workerId, String(this.o.leaseMs)] })) === 1) {
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
      if ((await this.redis.set(leaseKey(shard), this.workerId, { condition: 'NX', expiration: { type: 'PX', value: this.o.leaseMs } })) === 'OK') {
        this.owned.set(shard, sent + this.o.leaseMs);
        onTaken(shard);
        taken.push(shard);
      }
    }
    if (taken.length > 0) this.log.info({ shards: taken, worker: this.workerId }, 'took turn shards');
  }

  /** Shards readable now: held with enough lease left to outlast a blocking read and a renewal. */
  readable(blockMs: number): number[] {
    const horizon = Date.now() + blockMs + this.renewEveryMs;
    return [...this.owned].filter(([, until]) => until > horizon).map(([shard]) => shard);
  }

  /** The shards held beyond the fair share: to give back once nothing of theirs is in flight here. */
  extras(): number[] {
    return [...this.owned.keys()].slice(this.fairShare);
  }

  /** Releases these shards (extras whose entries in flight are done). */
  async giveBack(shards: readonly number[]): Promise<void> {
    for (const shard of shards) {
      if (!this.owned.delete(shard)) continue;
      await this.release(shard);
      this.log.info({ shard, worker: this.workerId }, 'gave a turn shard back to balance the workers');
    }
  }

  /** Gives every shard back now rather than making the others wait out the leases; best effort. */
  async releaseAll(): Promise<void> {
    for (const shard of this.owned.keys()) await this.release(shard).catch(() => {});
    this.owned.clear();
    await this.redis.zRem(WORKERS, this.workerId).catch(() => {});
  }

  private async release(shard: number): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, { keys: [leaseKey(shard)], arguments: [this.workerId] });
  }
}
