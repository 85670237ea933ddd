import cliProgress from 'cli-progress';
import type { TurnInput } from '../server/ingest/schema.ts';
import type { RapportClient } from './client.ts';
import type { FileConversation } from './transcripts.ts';

/** Turns of formats without times (plain chat logs) are played this far apart, before speed-up. */
export const DEFAULT_GAP_MS = 3000;

export interface ReplayOptions {
  speed: number;
  /** Appended to every conversation id, so a file can be replayed again (ended ids refuse new turns). */
  idSuffix: string;
  /** Copies of each conversation played at once, for load tests. */
  copies: number;
  progress: boolean;
  sleep?: (ms: number) => Promise<void>;
}

interface Scheduled {
  dueMs: number;
  conversationId: string;
  turn?: TurnInput;
}

/** When each turn is due, from the start of the replay: the file's own times over `speed`; the end after the last turn. */
export function schedule(conversations: readonly FileConversation[], o: Pick<ReplayOptions, 'speed' | 'idSuffix' | 'copies'>): Scheduled[] {
  const timeOf = (t: TurnInput, i: number) => (t.at === undefined ? undefined : typeof t.at === 'number' ? t.at : Date.parse(t.at)) ?? i * DEFAULT_GAP_MS;
  const starts = conversations.flatMap((c) => c.turns.map(timeOf));
  const origin = Math.min(...starts);
  const events: Scheduled[] = [];
  for (let copy = 1; copy <= o.copies; copy++) {
    for (const c of conversations) {
      const conversationId = `${c.conversationId}${o.idSuffix}${o.copies > 1 ? `-${copy}` : ''}`;
      let last = 0;
      c.turns.forEach((turn, i) => {
        last = (timeOf(turn, i) - origin) / o.speed;
        // Live turns carry no time: Rapport stamps them as they arrive, as it would a live source's
        // (and so no end time either, which needs a start).
        const { at: _at, endAt: _endAt, ...live } = turn;
        events.push({ dueMs: last, conversationId, turn: { ...live, conversationId } });
      });
      events.push({ dueMs: last + DEFAULT_GAP_MS / o.speed, conversationId });
    }
  }
  // Stable: a conversation's own turns keep their file order when times tie.
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.dueMs - b.e.dueMs || a.i - b.i).map(({ e }) => e);
}

/** Streams transcripts into a running Rapport as live turns, at `speed` times real time. */
export async function replay(conversations: readonly FileConversation[], client: RapportClient, o: ReplayOptions): Promise<{ turns: number; conversations: number }> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const events = schedule(conversations, o);
  const bar = new cliProgress.SingleBar({ format: 'replaying [{bar}] {value}/{total} turns', stream: process.stderr }, cliProgress.Presets.shades_classic);
  const turns = events.filter((e) => e.turn).length;
  if (o.progress) bar.start(turns, 0);
  const started = performance.now();
  try {
    for (const e of events) {
      const wait = e.dueMs - (performance.now() - started);
      if (wait > 0) await sleep(wait);
      if (e.turn) {
        await client.send([e.turn]);
        if (o.progress) bar.increment();
      } else await client.end(e.conversationId);
    }
  } finally {
    if (o.progress) bar.stop();
  }
  return { turns, conversations: events.length - turns };
}
