import type { Conversation } from '../../domain/conversation.ts';
import type { Live } from '../../compose.ts';
import { nextTimedCheckAt, type TimedRule } from '../../rules/index.ts';
import type { Store } from '../../store/index.ts';
import { Ingest, type Refusal } from '../accept.ts';
import type { TurnInput } from '../schema.ts';

/**
 * A pipeline of its own over a fresh in-memory store, on a clock the caller moves (built by the
 * composition root, server/compose.ts).
 */
export type OfflinePipelines = (clock: () => number) => Live & { store: Store; timedRules: readonly TimedRule[] };

/** Each timed rule fires at most twice between turns (warning, then critical): a bound, not a loop that could spin. */
const MAX_TICKS_BETWEEN_TURNS = 8;

/**
 * One conversation's turns through a pipeline of its own, in this process: the real ingest door,
 * scorer, rules, guidance and quality steps, on a clock that follows the turns' own times (ticking the
 * timed rules where they fall due between turns), so alerts are exactly what would have fired live.
 * For batch scoring and for re-scoring with the roles swapped.
 */
export async function scoreOffline(
  conversationId: string,
  turns: readonly TurnInput[],
  pipelines: OfflinePipelines,
  onTurn: () => void = () => {},
): Promise<{ conversation: Conversation; rejected: (Refusal & { index: number })[] }> {
  let now = Number(turns.find((t) => t.at !== undefined)?.at ?? Date.now());
  const { pipeline, commands, store, timedRules } = pipelines(() => now);
  await pipeline.start();
  const ingest = new Ingest(pipeline, commands, () => now);
  const rejected: (Refusal & { index: number })[] = [];
  // The id as stored: a pseudonym when the id carries PII.
  let storedId = conversationId;
  /** The clock moves on to `until`, stopping where a timed rule (a customer waiting) would have fired live. */
  const tickUntil = async (until: number) => {
    for (let checks = 0; checks < MAX_TICKS_BETWEEN_TURNS; checks++) {
      const c = await store.get(storedId);
      const due = c && nextTimedCheckAt(timedRules, c, now);
      if (due === undefined || due >= until) break;
      now = Math.max(now, due);
      await commands.judgeTimedRules(storedId);
    }
    now = until;
  };
  for (const [index, turn] of turns.entries()) {
    if (turn.at !== undefined) await tickUntil(typeof turn.at === 'number' ? turn.at : Date.parse(turn.at));
    const result = await ingest.turn(turn);
    if (result.ok) storedId = result.conversationId;
    else rejected.push({ ...result, index });
    // Each turn is through the rules before the clock moves on to the next one's time.
    await pipeline.idle();
    onTurn();
  }
  // What falls due with the last turn (a wait alert its reply resolves) settles before the end.
  await tickUntil(now + 1);
  await ingest.end({ conversationId });
  await pipeline.queue.close();
  const conversation = await store.get(storedId);
  if (!conversation) throw new Error(`no turn of ${conversationId} was accepted: ${JSON.stringify(rejected[0]?.errors)}`);
  return { conversation, rejected };
}
