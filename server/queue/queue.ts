import type { Turn } from '../domain/turn.ts';

/**
 * Where accepted final turns wait to be scored. In-process for the one-command demo; Redis Streams
 * in production, where a turn accepted by one process may be scored by another.
 */

/** Processes one turn; rejects when it could not, so the queue delivers it again. */
export type TurnHandler = (turn: Turn, acceptedAt: number, redelivered: boolean) => Promise<void>;

export interface ShardStats {
  shard: number;
  /** Entries in the stream (acknowledged ones are trimmed away over time). */
  length: number;
  /** Entries not yet delivered to any worker. */
  lag: number;
  /** Entries delivered to a worker and not yet acknowledged. */
  pending: number;
}

export interface QueueStats {
  shards: ShardStats[];
  /** Shards this process is consuming now. */
  owned: number;
}

export interface TurnQueue {
  readonly kind: 'in-process' | 'redis-streams';
  /**
   * Resolves once the turn is as durable as this queue makes it (for Redis: written to the stream),
   * so the sender may be acknowledged. A turn already waiting resolves as a duplicate.
   */
  enqueue(turn: Turn, acceptedAt: number): Promise<{ duplicate: boolean }>;
  /** Turns waiting or being processed, as last measured: for backpressure and /healthz. */
  readonly backlog: number;
  /**
   * Resolves once every turn of this conversation queued before the call has been processed, so that
   * ending a conversation comes after its last turns wherever they are scored. Waits at most
   * `timeoutMs` (a stuck worker must not block the end forever); resolves false if it gave up.
   */
  settle(conversationId: string, timeoutMs?: number): Promise<boolean>;
  /** Begins delivering turns to `handler`: one at a time per conversation, in the order accepted. */
  start(handler: TurnHandler): Promise<void>;
  stats(): Promise<QueueStats>;
  /** Stops taking turns and waits for those being processed. */
  close(): Promise<void>;
}
