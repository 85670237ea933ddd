import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DEMO_CONVERSATIONS } from '../../server/demo/conversations.ts';
import { startDemo } from '../../server/demo/replay.ts';
import type { TurnInput } from '../../server/ingest/schema.ts';

describe('the demo replay', () => {
  it('plays round after round without piling up abort listeners (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const turns: string[] = [];
    const ended: string[] = [];
    const perRound = DEMO_CONVERSATIONS.reduce((n, c) => n + c.turns.length, 0);
    let roundsDone: () => void;
    const twoRounds = new Promise<void>((resolve) => (roundsDone = resolve));
    const stop = startDemo(
      {
        turn: async (input) => {
          const t = input as TurnInput;
          turns.push(t.conversationId);
          if (turns.length >= 2 * perRound) roundsDone();
          return { ok: true, conversationId: t.conversationId, turnId: t.turnId ?? '', duplicate: false };
        },
        end: async (input) => {
          const e = input as { conversationId: string };
          ended.push(e.conversationId);
          return { ok: true, conversationId: e.conversationId };
        },
      },
      pino({ level: 'silent' }),
      { turnGapMs: 1, staggerMs: 1, pauseBetweenRoundsMs: 1 },
    );
    await twoRounds;
    stop();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(turns.length).toBeGreaterThanOrEqual(2 * perRound);
    expect(ended.length).toBeGreaterThanOrEqual(DEMO_CONVERSATIONS.length);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
