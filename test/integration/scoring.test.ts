import { describe, expect, it } from 'vitest';
import { useShippedScorer } from '../support/scorer.ts';

const { score } = useShippedScorer();

describe('the shipped sentiment model', () => {
  it.each([
    { lang: 'en', text: 'This is terrible, I have waited three weeks and nobody helps me.', expected: 'negative' },
    { lang: 'en', text: 'Thank you so much, that was really helpful and quick!', expected: 'positive' },
    { lang: 'zh', text: '太差了，等了一个星期还没送到，再也不买了。', expected: 'negative' },
    { lang: 'zh', text: '非常满意，服务很好，谢谢！', expected: 'positive' },
  ])('labels a clear $lang turn $expected: $text', async ({ text, expected }) => {
    const s = await score(text);
    expect(s.label).toBe(expected);
    expect(s.lowConfidence).toBe(false);
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(Math.sign(s.valence)).toBe(expected === 'negative' ? -1 : 1);
    const total = s.probabilities.negative + s.probabilities.neutral + s.probabilities.positive;
    expect(total).toBeCloseTo(1, 5);
  });

  it('flags too-short and foreign-language turns as low confidence', async () => {
    expect((await score('ok')).lowConfidence).toBe(true);
    expect((await score('Это просто ужасно, я очень недоволен')).lowConfidence).toBe(true);
  });

  it('scores concurrent turns in shared batches with the same result as one by one', async () => {
    const texts = ['I am very angry about this bill', 'great, thanks for your help', '我要投诉', '谢谢你的帮助'];
    const alone: Awaited<ReturnType<typeof score>>[] = [];
    for (const t of texts) alone.push(await score(t));
    const together = await Promise.all(texts.map(score));
    together.forEach((s, i) => {
      expect(s.label).toBe(alone[i]!.label);
      expect(s.valence).toBeCloseTo(alone[i]!.valence, 4);
    });
  });
});
