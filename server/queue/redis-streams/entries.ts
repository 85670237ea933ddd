import type { Turn } from '../../domain/turn.ts';
import type { RedisClient } from '../../redis/index.ts';
import { DEAD_LETTERS, GROUP, streamKey } from './keys.ts';

/** Reading, claiming, acknowledging and setting aside stream entries: the queue's Redis I/O on entries. */

export interface Entry {
  shard: number;
  id: string;
  /** Undefined when the entry cannot be read (trimmed, or not a turn). */
  turn?: Turn;
  acceptedAt: number;
  redelivered: boolean;
}

type StreamReply = [key: string, entries: [id: string, fields: string[] | null][]][] | null;

/**
 * XREADGROUP over several shards: '>' for new entries (blocking up to blockMs), '0' for this worker's
 * pending ones. Sent raw because a pending entry that was trimmed comes back with null fields, which
 * the typed reply does not allow for.
 */
export async function readEntries(reader: RedisClient, workerId: string, shards: number[], from: '0' | '>', o: { batch: number; blockMs: number }): Promise<Entry[]> {
  const args = ['XREADGROUP', 'GROUP', GROUP, workerId, 'COUNT', String(o.batch)];
  if (from === '>') args.push('BLOCK', String(o.blockMs));
  args.push('STREAMS', ...shards.map(streamKey), ...shards.map(() => from));
  const reply = (await reader.sendCommand(args)) as StreamReply;
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

/** Moves every entry another worker left pending on this shard to this worker; resolves with how many. */
export async function claimPending(redis: RedisClient, shard: number, workerId: string): Promise<number> {
  let cursor = '0-0';
  let claimed = 0;
  do {
    const reply = await redis.xAutoClaimJustId(streamKey(shard), GROUP, workerId, 0, cursor, { COUNT: 200 });
    cursor = reply.nextId;
    claimed += reply.messages.length;
  } while (cursor !== '0-0');
  return claimed;
}

export async function acknowledge(redis: RedisClient, e: Entry): Promise<void> {
  await redis.xAck(streamKey(e.shard), GROUP, e.id);
}

/** Copies the entry to the dead-letter stream and acknowledges it, in one transaction. */
export async function setAside(redis: RedisClient, e: Entry): Promise<void> {
  const found = await redis.xRange(streamKey(e.shard), e.id, e.id);
  const fields = found[0]?.message ?? {};
  await redis
    .multi()
    .xAdd(DEAD_LETTERS, '*', { shard: String(e.shard), id: e.id, ...fields })
    .xAck(streamKey(e.shard), GROUP, e.id)
    .exec();
}

function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
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
