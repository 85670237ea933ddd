import { describe, expect, it } from 'vitest';
import { acknowledge, resolve, type Alert } from '../../server/domain/alert.ts';
import {
  applyPartial,
  applyScoredTurn,
  endConversation,
  hasSeen,
  newConversation,
  riskOf,
  summarize,
  withAlerts,
  type Conversation,
} from '../../server/domain/conversation.ts';
import { smooth } from '../../server/domain/curve.ts';
import { detectLanguage, isTooShortToJudge } from '../../server/domain/language.ts';
import type { SentimentLabel, Speaker } from '../../server/domain/turn.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

function play(lines: [Speaker, SentimentLabel][]): Conversation {
  let c = newConversation(turnOf('customer', 'hello there'));
  for (const [speaker, label] of lines) c = applyScoredTurn(c, turnOf(speaker, 'some words'), scoreOf(label)).conversation;
  return c;
}

describe('emotion curve smoothing', () => {
  it('starts at the first valence and moves halfway, weighted by confidence', () => {
    expect(smooth(null, -0.8, 1, false)).toBeCloseTo(-0.8);
    expect(smooth(-0.8, 0.8, 1, false)).toBeCloseTo(0);
    expect(smooth(-0.8, 0.8, 0.5, false)).toBeCloseTo(-0.4);
  });

  it('does not move on a low-confidence turn', () => {
    expect(smooth(0.4, -1, 1, true)).toBe(0.4);
    expect(smooth(null, -1, 1, true)).toBe(0);
  });
});

describe('conversation state', () => {
  it('keeps final turns in order with each speaker on their own curve', () => {
    const c = play([
      ['customer', 'negative'],
      ['agent', 'positive'],
      ['customer', 'negative'],
    ]);
    expect(c.turns.map((t) => t.speaker)).toEqual(['customer', 'agent', 'customer']);
    expect(c.mood.agent).toBeGreaterThan(0.5);
    expect(c.mood.customer).toBeLessThan(-0.5);
  });

  it('remembers turn ids so a repeat can be detected', () => {
    const turn = turnOf('customer', 'my bill is wrong');
    const c = applyScoredTurn(newConversation(turn), turn, scoreOf('negative')).conversation;
    expect(hasSeen(c, turn.turnId)).toBe(true);
    expect(hasSeen(c, 'other')).toBe(false);
  });

  it('shows a partial segment until that speaker’s final turn replaces it', () => {
    const partial = turnOf('customer', 'I want to', { final: false });
    let c = applyPartial(newConversation(partial), partial);
    expect(c.partials.customer?.text).toBe('I want to');
    expect(c.turns).toHaveLength(0);
    c = applyScoredTurn(c, turnOf('customer', 'I want to cancel'), scoreOf('negative')).conversation;
    expect(c.partials.customer).toBeUndefined();
  });

  it('tracks since when the customer has been negative', () => {
    let c = play([['customer', 'negative']]);
    const since = c.negativeSince;
    expect(since).not.toBeNull();
    c = applyScoredTurn(c, turnOf('customer', 'still bad'), scoreOf('negative')).conversation;
    expect(c.negativeSince).toBe(since);
    c = applyScoredTurn(c, turnOf('customer', 'ok good'), scoreOf('positive')).conversation;
    c = applyScoredTurn(c, turnOf('customer', 'great thanks'), scoreOf('positive')).conversation;
    expect(c.negativeSince).toBeNull();
  });

  it('counts a conversation as recovered when it starts negative and ends positive', () => {
    const recovered = play([
      ['customer', 'negative'],
      ['customer', 'positive'],
      ['customer', 'positive'],
      ['customer', 'positive'],
    ]);
    expect(summarize(recovered, 0).recovered).toBe(true);
    const stayedBad = play([
      ['customer', 'negative'],
      ['customer', 'neutral'],
    ]);
    expect(summarize(stayedBad, 0).recovered).toBe(false);
  });

  it('ranks a negative conversation with an open critical alert above a calm one', () => {
    const calm = play([['customer', 'positive']]);
    const angry = play([
      ['customer', 'negative'],
      ['customer', 'negative'],
    ]);
    const alert: Alert = {
      id: 'a1',
      conversationId: angry.id,
      severity: 'critical',
      rule: 'escalation-phrase',
      reason: 'r',
      evidence: [],
      state: 'open',
      openedAt: 0,
      updatedAt: 0,
    };
    const now = angry.updatedAt + 60_000;
    const alerted = withAlerts(angry, [alert]);
    expect(riskOf(calm, now)).toBe(0);
    expect(riskOf(alerted, now)).toBeGreaterThan(riskOf(angry, now));
    expect(riskOf(withAlerts(alerted, [acknowledge(alert, 'sam', now)]), now)).toBeLessThan(riskOf(alerted, now));
    expect(riskOf(withAlerts(alerted, [resolve(alert, 'fixed', now)]), now)).toBe(riskOf(angry, now));
    expect(riskOf(endConversation(alerted, now), now)).toBe(0);
  });
});

describe('alert lifecycle', () => {
  const open: Alert = { id: 'a', conversationId: 'c', severity: 'warning', rule: 'r', reason: 'x', evidence: [], state: 'open', openedAt: 1, updatedAt: 1 };

  it('goes open -> acknowledged -> resolved and never back', () => {
    const acked = acknowledge(open, 'sam', 5);
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'sam', acknowledgedAt: 5 });
    const resolved = resolve(acked, 'done', 9);
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: 9 });
    expect(acknowledge(resolved, 'sam', 10)).toBe(resolved);
  });
});

describe('language', () => {
  it('tells English, Chinese and other scripts apart', () => {
    expect(detectLanguage('I want a refund')).toBe('en');
    expect(detectLanguage('我要退款')).toBe('zh');
    expect(detectLanguage('我的order还没到')).toBe('zh');
    expect(detectLanguage('Хочу вернуть деньги')).toBe('other');
    expect(detectLanguage('12345')).toBe('other');
  });

  it('finds turns too short to judge', () => {
    expect(isTooShortToJudge('ok', 'en')).toBe(true);
    expect(isTooShortToJudge('not good', 'en')).toBe(false);
    expect(isTooShortToJudge('好', 'zh')).toBe(true);
    expect(isTooShortToJudge('太差了', 'zh')).toBe(false);
  });
});
