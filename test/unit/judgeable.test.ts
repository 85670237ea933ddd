import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyScoredTurn, newConversation, type Conversation } from '../../server/domain/conversation.ts';
import { isUnjudgeable } from '../../server/domain/judgeable.ts';
import { detectLanguage } from '../../server/domain/language.ts';
import type { Score, Turn } from '../../server/domain/turn.ts';
import { loadConfig } from '../../server/config.ts';
import { createRules, runRules } from '../../server/rules/index.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

const judgeable = (text: string) => !isUnjudgeable(text, detectLanguage(text));

describe('turns too short or factual to judge', () => {
  it.each([
    'ok', 'Ok.', 'fine', 'yes', 'Got it.', 'mhm', 'hello?', 'k',
    'It ends in 8812', 'The card ending in 0457.', 'My order number is 4471-2290-AB.',
    "It's 221B Baker Street, London NW1 6XE.", 'My date of birth is 14 March 1987.', '03/14/1987',
    'My email is jane.doe@example.com.', 'Flight UA 2231 on the 3rd of May.', '4532',
    '嗯', '好的', '行', '对，没错。', '尾号8812。', '订单号是 4471229065。', '我的账号是 7730 5521 9043。',
    '地址是北京市朝阳区建国路88号3号楼1单元502。', '幸福路12号', '1987-03-14',
  ])('%s', (text) => {
    expect(judgeable(text)).toBe(false);
  });

  it.each([
    'I was charged twice for the same order and I want a refund.', 'Unbelievable.', 'Thanks!', "It's not fine, actually.",
    'Unbelievable, 2 hours on hold.', 'Why is there a $35 late fee on my account? I paid on time.', 'I want to speak to a manager.',
    '我已经等了40分钟了。', '太差了', '谢谢', '同一个订单扣了我两次钱，赶紧给我退款。', '我根本没出国，怎么会有漫游费？',
  ])('judges %s', (text) => {
    expect(judgeable(text)).toBe(true);
  });

  it("never silences a turn of the team's suite labelled negative, and catches its account details", () => {
    for (const lang of ['en', 'zh']) {
      const rows = readFileSync(path.join(import.meta.dirname, '..', '..', 'models', 'eval', 'contact-center', `${lang}.tsv`), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t') as [string, string]);
      const gated = rows.filter(([text]) => !judgeable(text));
      expect(gated.filter(([, label]) => label === 'negative')).toEqual([]);
      // Only emoji-only turns (no letters: no language to judge) are gated among the positive ones.
      expect(gated.filter(([text, label]) => label === 'positive' && /\p{L}/u.test(text))).toEqual([]);
      expect(gated.length).toBeGreaterThan(40);
    }
  });
});

describe('a low-confidence turn', () => {
  const low = (over: Partial<Score> = {}) => scoreOf('neutral', 0.3, { lowConfidence: true, valence: 0, ...over });

  it('leaves the mood curve where it was, and unset before any judged turn', () => {
    let c: Conversation = newConversation(turnOf('customer', 'hi'));
    const first = applyScoredTurn(c, turnOf('customer', 'ok'), low());
    expect(first.conversation.mood.customer).toBeNull();
    c = applyScoredTurn(first.conversation, turnOf('customer', 'Thanks, that was quick!'), scoreOf('positive', 0.9)).conversation;
    const before = c.mood.customer;
    expect(before).toBeCloseTo(0.85);
    const after = applyScoredTurn(c, turnOf('customer', 'It ends in 8812'), low({ probabilities: { negative: 0.7, neutral: 0.2, positive: 0.1 } }));
    expect(after.conversation.mood.customer).toBe(before);
    expect(after.scored.smoothed).toBe(before);
    expect(after.conversation.negativeSince).toBeNull();
  });

  it('fires no sharp-drop or streak alert, whatever the model thought of it', () => {
    const config = loadConfig(['--demo'], {});
    const rules = createRules(config.rules);
    let n = 0;
    let c: Conversation = newConversation(turnOf('customer', 'hi'));
    const steps: [Turn, Score][] = [
      [turnOf('customer', 'Great, thank you so much!'), scoreOf('positive', 0.95)],
      [turnOf('customer', 'It ends in 8812'), scoreOf('negative', 0.95, { lowConfidence: true })],
      [turnOf('customer', '4471-2290'), scoreOf('negative', 0.95, { lowConfidence: true })],
      [turnOf('customer', 'ok'), scoreOf('negative', 0.95, { lowConfidence: true })],
    ];
    for (const [turn, score] of steps) {
      const { conversation, scored } = applyScoredTurn(c, turn, score);
      const outcome = runRules(rules, { conversation, turn: scored }, { resolveAbove: config.rules.resolveAbove }, turn.at, () => `a${++n}`);
      expect(outcome.changed).toEqual([]);
      c = conversation;
    }
    expect(c.mood.customer).toBeGreaterThan(0.8);
  });
});
