import type { Turn } from '../../domain/turn.ts';
import { fnv1a } from '../../lib/index.ts';
import { idSegment } from '../../redis/index.ts';

/** Where the turn queue lives in Redis: every key and the consumer group, in one place. */

export const GROUP = 'scorers';
export const streamKey = (shard: number) => `rapport:turns:${shard}`;
export const leaseKey = (shard: number) => `rapport:shard:${shard}:owner`;
/** Hashed, so ids never appear in key names and ('X:x', 't1') cannot collide with ('X', 'x:t1'). */
export const dedupeKey = (turn: Turn) => `rapport:queued:${idSegment(turn.conversationId, turn.turnId)}`;
export const WORKERS = 'rapport:workers';
export const DEAD_LETTERS = 'rapport:turns:dead';
export const SHARD_COUNT = 'rapport:config:shards';

/** A stable hash (the same in every process and version), so every process agrees on a conversation's shard. */
export function shardOf(conversationId: string, shards: number): number {
  return fnv1a(conversationId) % shards;
}

/** Orders stream ids ("<ms>-<seq>"). */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
