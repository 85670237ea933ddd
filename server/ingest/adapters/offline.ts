import type { Analytics } from '../../analytics/index.ts';
import type { Config } from '../../config.ts';
import type { Conversation } from '../../domain/conversation.ts';
import type { Playbook } from '../../guidance/index.ts';
import { Pipeline } from '../../pipeline.ts';
import { createQuality, type Quality } from '../../quality/index.ts';
import { createRules, createTimedRules, nextTimedCheckAt, type Rule, type TimedRule } from '../../rules/index.ts';
import type { Scorer } from '../../scoring/index.ts';
import { MemoryStore } from '../../store/index.ts';
import { Ingest, type Refusal } from '../accept.ts';
import type { TurnInput } from '../schema.ts';

export interface OfflineScoring {
  scorer: Scorer;
  rules: readonly Rule[];
  timedRules: readonly TimedRule[];
  resolveAbove: number;
  playbook: Playbook;
  maxPending: number;
  quality: Quality;
  analytics?: Analytics;
}

/** Offline scoring with the server's configured rules, playbook and service-quality practice. */
export function offlineScoringFor(config: Config, scorer: Scorer, analytics?: Analytics): OfflineScoring {
  return {
    scorer,
    rules: createRules(config.rules),
    timedRules: createTimedRules(config.rules),
    resolveAbove: config.rules.resolveAbove,
    playbook: config.playbook,
    maxPending: config.scoring.maxPending,
    quality: createQuality(config.quality, config.rules),
    analytics,
  };
}

/** Each timed rule fires at most twice between turns (warning, then critical): a bound, not a loop that could spin. */
const MAX_TICKS_BETWEEN_TURNS = 8;

/**
 * One conversation's turns through a pipeline of its own, in this process: the real ingest door,
 * scorer, rules, guidance and quality steps, on a clock that follows the turns' own times (ticking the
 * timed rules where they fall due between turns), so alerts are exactly what would have fired live. For batch scoring and for re-scoring with the roles swapped.
 */
export async function scoreOffline(
  conversationId: string,
  turns: readonly TurnInput[],
  o: OfflineScoring,
  onTurn: () => void = () => {},
): Promise<{ conversation: Conversation; rejected: Refusal[] }> {
  const store = new MemoryStore();
  let now = Number(turns.find((t) => t.at !== undefined)?.at ?? Date.now());
  const pipeline = new Pipeline({ ...o, store, clock: () => now });
  await pipeline.start();
  const ingest = new Ingest(pipeline, () => now);
  const rejected: Refusal[] = [];
  /** The clock moves on to `until`, stopping where a timed rule (a customer waiting) would have fired live. */
  const tickUntil = async (until: number) => {
    for (let checks = 0; checks < MAX_TICKS_BETWEEN_TURNS; checks++) {
      const c = await store.get(conversationId);
      const due = c && nextTimedCheckAt(o.timedRules, c, now);
      if (due === undefined || due >= until) break;
      now = Math.max(now, due);
      await pipeline.tick(conversationId);
    }
    now = until;
  };
  for (const [index, turn] of turns.entries()) {
    if (turn.at !== undefined) await tickUntil(typeof turn.at === 'number' ? turn.at : Date.parse(turn.at));
    const result = await ingest.turn(turn);
    if (!result.ok) rejected.push({ ...result, index });
    // Each turn is through the rules before the clock moves on to the next one's time.
    await pipeline.idle();
    onTurn();
  }
  // What falls due with the last turn (a wait alert its reply resolves) settles before the end.
  await tickUntil(now + 1);
  await ingest.end({ conversationId });
  await pipeline.queue.close();
  const conversation = await store.get(conversationId);
  if (!conversation) throw new Error(`no turn of ${conversationId} was accepted: ${JSON.stringify(rejected[0]?.errors)}`);
  return { conversation, rejected };
}
