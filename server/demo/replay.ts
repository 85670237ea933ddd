import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Ingest } from '../ingest/accept.ts';
import { DEMO_CONVERSATIONS } from './conversations.ts';

export interface DemoOptions {
  /** Pause between turns of one conversation. */
  turnGapMs: number;
  /** Pause between the starts of consecutive conversations. */
  staggerMs: number;
  /** Pause before the same scripts play again under new ids. */
  pauseBetweenRoundsMs: number;
}

/** Resolves after ms, or at once when the demo stops; the abort listener goes away with the timer. */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => {});

/**
 * Plays the demo conversations through the same ingest door real traffic uses, round after round,
 * so the screens always have live conversations and an archive of ended ones.
 */
export function startDemo(ingest: Pick<Ingest, 'turn' | 'end'>, log: Logger, o: DemoOptions): () => void {
  const stop = new AbortController();
  const signal = stop.signal;
  // Ids unique to this start, so a restart against a persistent (Redis) store begins fresh conversations.
  const run = Date.now().toString(36);

  const play = async (round: number, index: number) => {
    const script = DEMO_CONVERSATIONS[index]!;
    const conversationId = `demo-${run}-${round}-${script.key}`;
    await sleep(index * o.staggerMs, signal);
    for (const [n, [speaker, text]] of script.turns.entries()) {
      if (signal.aborted) return;
      const result = await ingest.turn({
        conversationId,
        turnId: `t${n + 1}`,
        speaker,
        text,
        channel: script.channel,
        agentId: script.agentId,
        customerId: script.customerId,
        queue: script.queue,
      });
      if (!result.ok) log.warn({ conversationId, errors: result.errors }, 'demo turn refused');
      await sleep(o.turnGapMs * (0.6 + Math.random() * 0.8), signal);
    }
    if (!signal.aborted) await ingest.end({ conversationId });
  };

  void (async () => {
    for (let round = 1; !signal.aborted; round++) {
      await Promise.all(DEMO_CONVERSATIONS.map((_, i) => play(round, i)));
      await sleep(o.pauseBetweenRoundsMs, signal);
    }
  })();
  return () => stop.abort();
}
