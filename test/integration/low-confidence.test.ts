import { describe, expect, it } from 'vitest';
import { applyScoredTurn, newConversation, type Conversation } from '../../server/domain/conversation.ts';
import { createRules, runRules } from '../../server/rules/index.ts';
import { useShippedScorer } from '../support/scorer.ts';
import { turnOf } from '../support/turns.ts';

const { config, score } = useShippedScorer();

describe('turns too short or factual to judge, scored by the shipped model', () => {
  it.each(['It ends in 8812', 'ok', 'fine', 'My order number is 4471-2290-AB.', '嗯', '好的', '订单号是 4471229065。', '尾号8812。'])(
    '%s is neutral with low confidence and no valence',
    async (text) => {
      const s = await score(text);
      expect(s.lowConfidence).toBe(true);
      expect(s.label).toBe('neutral');
      expect(s.valence).toBe(0);
      expect(s.confidence).toBeCloseTo(s.probabilities.neutral, 10);
    },
  );

  it('neither moves the mood nor raises an alert in a live conversation', async () => {
    const rules = createRules(config.rules);
    let n = 0;
    let c: Conversation = newConversation(turnOf('customer', 'hi'));
    const moods: (number | null)[] = [];
    for (const text of ['Thank you, that is really helpful!', 'It ends in 8812', 'ok', '4471-2290']) {
      const turn = turnOf('customer', text);
      const { conversation, scored } = applyScoredTurn(c, turn, await score(text));
      const outcome = runRules(rules, { conversation, turn: scored }, { resolveAbove: config.rules.resolveAbove }, turn.at, () => `a${++n}`);
      expect(outcome.changed).toEqual([]);
      moods.push(conversation.mood.customer);
      c = conversation;
    }
    expect(moods[0]).toBeGreaterThan(0);
    expect(new Set(moods).size).toBe(1);
  });
});

describe('the Chinese neutral class', () => {
  // Service requests written for this test (not from the training data or the team's suite). The
  // 2026-11-25 model, with no Chinese neutral class, rated most such requests negative.
  const requests = [
    '你好，我想预订明天晚上在国贸附近的一家酒店，两个人住。',
    '请问从机场到市中心坐地铁怎么走？',
    '帮我查一下这个月的账单明细。',
    '我想把宽带套餐改成两百兆的。',
    '麻烦帮我约一下周六上午的维修师傅。',
    '请问你们营业厅周日几点关门？',
    '我想给我妈妈的手机号充一百块话费。',
    '能帮我把发票寄到公司地址吗？',
  ];

  it('rates most service requests neutral, and none is set aside as too short to judge', async () => {
    const scores = await Promise.all(requests.map(score));
    expect(scores.every((s) => !s.lowConfidence)).toBe(true);
    expect(scores.filter((s) => s.label === 'neutral').length).toBeGreaterThanOrEqual(6);
  });

  it('still tells a Chinese complaint from a request', async () => {
    expect((await score('你们怎么回事，扣了我两次钱，到现在还不退！')).label).toBe('negative');
  });
});
