import { describe, expect, it } from 'vitest';
import { endConversation, type Conversation } from '../../server/domain/conversation.ts';
import type { SentimentLabel } from '../../server/domain/turn.ts';
import { drawSample, isNegative, seededRandom } from '../../server/reports/index.ts';
import { editScorecard, newScorecard, rollup, ScorecardEditError } from '../../server/quality/index.ts';
import { config, play } from '../support/quality.ts';
import { scoreOf } from '../support/turns.ts';

const sampling = config.quality.sampling;
let n = 0;
function ended(agentId: string, label: SentimentLabel): Conversation {
  const c = play([['customer', `I feel ${label}`, scoreOf(label)]], { conversationId: `s${String(++n).padStart(4, '0')}`, agentId });
  return endConversation(c, c.updatedAt + 1);
}
/** 60 for alice (10 negative), 30 for bob (5 negative), 10 for wei (2 negative). */
const population = [
  ...Array.from({ length: 60 }, (_, i) => ended('alice', i < 10 ? 'negative' : 'positive')),
  ...Array.from({ length: 30 }, (_, i) => ended('bob', i < 5 ? 'negative' : 'positive')),
  ...Array.from({ length: 10 }, (_, i) => ended('wei', i < 2 ? 'negative' : 'positive')),
];

describe('seeded random numbers', () => {
  it('repeat for a seed and differ between seeds', () => {
    const a = seededRandom('2026-11');
    const b = seededRandom('2026-11');
    const c = seededRandom('2026-12');
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('QA sampling', () => {
  it('is reproducible by seed, whatever order the store lists conversations in', () => {
    const first = drawSample(population, { size: 10, seed: 'nov' }, sampling);
    const again = drawSample([...population].reverse(), { size: 10, seed: 'nov' }, sampling);
    expect(again).toEqual(first);
    expect(drawSample(population, { size: 10, seed: 'dec' }, sampling).conversationIds).not.toEqual(first.conversationIds);
  });

  it('is stratified by agent in proportion, at least one each, never more than an agent has', () => {
    const s = drawSample(population, { size: 10, seed: 'nov' }, sampling);
    expect(s.strata.map((x) => [x.agentId, x.population, x.sampled.length])).toEqual([
      ['alice', 60, 6],
      ['bob', 30, 3],
      ['wei', 10, 1],
    ]);
    expect(new Set(s.conversationIds).size).toBe(10);
    const small = drawSample(population, { size: 2, seed: 'nov' }, sampling);
    expect(small.conversationIds).toHaveLength(2);
    const skewed = drawSample([...population.slice(0, 60), population[95]!], { size: 3, seed: 'nov' }, sampling);
    expect(skewed.strata.map((x) => x.sampled.length)).toEqual([2, 1]);
    const all = drawSample(population, { size: 500, seed: 'nov' }, sampling);
    expect(all.conversationIds).toHaveLength(100);
  });

  it('samples only ended conversations', () => {
    const live = play([['customer', 'hi']], { conversationId: 'live-x', agentId: 'alice' });
    expect(drawSample([live, ...population], { size: 100, seed: 'x' }, sampling).conversationIds).not.toContain('live-x');
  });

  it('over-weights negative conversations by the configured weight', () => {
    // Over many seeds, alice's 1-in-6 negatives fill far more than 1/6 of her sample at weight 3, and about 1/6 at weight 1.
    const negativeShare = (negativeWeight: number) => {
      let negatives = 0;
      let total = 0;
      for (let seed = 0; seed < 300; seed++) {
        const s = drawSample(population, { size: 10, seed: String(seed), negativeWeight }, sampling);
        const ids = new Set(s.strata[0]!.sampled);
        const picked = population.filter((c) => ids.has(c.id));
        negatives += picked.filter((c) => isNegative(c, sampling)).length;
        total += picked.length;
      }
      return negatives / total;
    };
    expect(negativeShare(1)).toBeGreaterThan(0.12);
    expect(negativeShare(1)).toBeLessThan(0.22);
    expect(negativeShare(3)).toBeGreaterThan(0.3);
    expect(drawSample(population, { size: 10, seed: 'x' }, sampling).negativeWeight).toBe(sampling.negativeWeight);
  });
});

describe('scorecards', () => {
  const card = (c: Conversation) => newScorecard(config.quality.scorecard, c, 5, 'nov#1');

  it('are auto-filled from the checklist and the end mood, leaving judgement criteria to QA', () => {
    const c = play([
      ['agent', 'Hello, thanks for contacting us.'],
      ['customer', 'My card is blocked.', scoreOf('negative')],
      ['agent', 'I will unblock it within 10 minutes.'],
      ['customer', 'Great, thank you!', scoreOf('positive')],
      ['customer', 'Perfect.', scoreOf('positive')],
    ]);
    const s = card(endConversation(c, c.updatedAt));
    const byId = Object.fromEntries(s.criteria.map((k) => [k.id, [k.score, k.source]]));
    expect(s.scale).toBe(4);
    expect(byId).toMatchObject({
      greeting: [4, 'auto'],
      courtesy: [4, 'auto'],
      commitment: [4, 'auto'],
      summary: [0, 'auto'],
      closing: [0, 'auto'],
      identity: [null, null], // not required on this queue
      accuracy: [null, null],
      ownership: [null, null],
    });
    expect(byId.outcome![0]).toBeGreaterThan(2);
    expect(Number.isInteger(byId.outcome![0])).toBe(true);
    expect(s).toMatchObject({ status: 'draft', sampleId: 'nov#1', agentId: 'alice' });
    expect(s.total).toBeGreaterThan(0);
  });

  it('take QA edits, recompute the total, and reject unknown criteria', () => {
    const s = card(play([['agent', 'Hello'], ['customer', 'ok']]));
    const edited = editScorecard(s, { criteria: [{ id: 'accuracy', score: 3, note: 'correct fee' }, { id: 'greeting', score: 0 }], status: 'final', comment: 'ok' }, 'quinn', 9);
    expect(edited.criteria.find((k) => k.id === 'accuracy')).toMatchObject({ score: 3, source: 'qa', note: 'correct fee' });
    expect(edited.criteria.find((k) => k.id === 'greeting')).toMatchObject({ score: 0, source: 'qa' });
    expect(edited).toMatchObject({ status: 'final', comment: 'ok', updatedBy: 'quinn', updatedAt: 9 });
    const scored = edited.criteria.filter((k) => k.score !== null);
    const expected = (100 * scored.reduce((a, k) => a + k.weight * k.score!, 0)) / (scored.reduce((a, k) => a + k.weight, 0) * s.scale);
    expect(edited.total).toBeCloseTo(expected, 1);
    expect(() => editScorecard(s, { criteria: [{ id: 'nope', score: 1 }] }, 'quinn', 9)).toThrow(ScorecardEditError);
    expect(() => editScorecard(s, { criteria: [{ id: 'accuracy', score: s.scale + 1 }] }, 'quinn', 9)).toThrow(/0 to 4 whole points/);
  });

  it('roll up per agent', () => {
    const a = { ...card(play([['agent', 'Hello']], { conversationId: 'r1' })), total: 80, status: 'final' as const };
    const b = { ...card(play([['agent', 'Hi']], { conversationId: 'r2' })), total: 60 };
    const w = { ...card(play([['agent', '您好']], { conversationId: 'r3', agentId: 'wei' })), total: 90 };
    const r = rollup([a, b, w]);
    expect(r.map((x) => [x.agentId, x.scorecards, x.final, x.avgTotal])).toEqual([
      ['alice', 2, 1, 70],
      ['wei', 1, 0, 90],
    ]);
    expect(r[0]!.criteria.greeting).toBe(4);
  });
});
