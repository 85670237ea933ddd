import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import type { Outcome } from '../../server/outcome.ts';
import { Pipeline } from '../../server/pipeline.ts';
import { createQuality } from '../../server/quality/index.ts';
import { createRules } from '../../server/rules/index.ts';
import type { Scorer } from '../../server/scoring/index.ts';
import { MemoryStore } from '../../server/store/index.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

/**
 * What a worker does with a turn delivered again after another worker died: it never applies it twice,
 * and it sends the turn's events again, because the dead worker may have saved it without sending them.
 */
describe('a turn delivered again', () => {
  const config = loadConfig(['--secret', 'x'.repeat(32)], {});
  const scorer: Scorer = { models: { sentiment: 'fixed' }, queued: () => 0, score: async () => scoreOf('negative'), close: async () => {} };

  it('is applied once, and its events go out again only when it is a redelivery', async () => {
    const store = new MemoryStore();
    const events: string[] = [];
    const publisher = {
      publish(o: Outcome) {
        if (o.kind === 'turn') events.push(`turn ${o.turn.turnId}`, ...o.prompts.map((p) => `prompt ${p.id}`));
      },
    };
    const quality = createQuality(config.quality, config.rules);
    const pipeline = new Pipeline({ store, scorer, rules: createRules(config.rules), resolveAbove: 0.2, playbook: config.playbook, maxPending: 100, maxLive: 100, quality, publisher });
    await pipeline.start();
    const turn = turnOf('customer', 'I want to cancel my subscription.', { conversationId: 'redelivered' });

    await pipeline.process(turn, 1, false);
    const first = [...events];
    const promptId = (await store.get('redelivered'))!.prompts[0]!.id;
    expect(first).toEqual([`turn ${turn.turnId}`, `prompt ${promptId}`]);

    await pipeline.process(turn, 1, false);
    expect(events).toEqual(first);

    await pipeline.process(turn, 1, true);
    expect(events).toEqual([...first, ...first]);
    const stored = (await store.get('redelivered'))!;
    expect(stored.turns).toHaveLength(1);
    expect(stored.prompts).toHaveLength(1);
    expect(stored.alerts).toHaveLength(1);
  });
});
