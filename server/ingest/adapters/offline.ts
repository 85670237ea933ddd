import type { Conversation } from '../../domain/conversation.ts';
import type { Live } from '../../compose.ts';
import type { Store } from '../../store/index.ts';
import { Ingest, type Refusal } from '../accept.ts';
import type { TurnInput } from '../schema.ts';

/**
 * A pipeline of its own over a fresh in-memory store, on a clock the caller moves (built by the
 * composition root, server/compose.ts).
 */
export type OfflinePipelines = (clock: () => number) => Live & { store: Store };

/**
 * One conversation's turns through a pipeline of its own, in this process: the real ingest door,
 * scorer, rules, guidance and quality steps, on a clock that follows the turns' own times, so alerts are exactly
 * what would have fired live. For batch scoring and for re-scoring with the roles swapped.
 */
export async function scoreOffline(
  conversationId: string,
  turns: readonly TurnInput[],
  pipelines: OfflinePipelines,
  onTurn: () => void = () => {},
): Promise<{ conversation: Conversation; rejected: (Refusal & { index: number })[] }> {
  let now = Number(turns.find((t) => t.at !== undefined)?.at ?? Date.now());
  const { pipeline, commands, store } = pipelines(() => now);
  await pipeline.start();
  const ingest = new Ingest(pipeline, commands, () => now);
  const rejected: (Refusal & { index: number })[] = [];
  // The id as stored: a pseudonym when the id carries PII.
  let storedId = conversationId;
  for (const [index, turn] of turns.entries()) {
    if (turn.at !== undefined) now = typeof turn.at === 'number' ? turn.at : Date.parse(turn.at);
    const result = await ingest.turn(turn);
    if (result.ok) storedId = result.conversationId;
    else rejected.push({ ...result, index });
    // Each turn is through the rules before the clock moves on to the next one's time.
    await pipeline.idle();
    onTurn();
  }
  await ingest.end({ conversationId });
  await pipeline.queue.close();
  const conversation = await store.get(storedId);
  if (!conversation) throw new Error(`no turn of ${conversationId} was accepted: ${JSON.stringify(rejected[0]?.errors)}`);
  return { conversation, rejected };
}
