import { describe, expect, it } from 'vitest';
import { luhnValid, redactPii } from '../../server/domain/pii.ts';

describe('redactPii', () => {
  it('redacts e-mail addresses', () => {
    expect(redactPii('write to jane.doe+billing@example.co.uk today').text).toBe('write to [EMAIL] today');
  });

  it('redacts Luhn-valid card numbers in any grouping', () => {
    const r = redactPii('card 4111 1111 1111 1111 or 5500-0000-0000-0004 or 378282246310005');
    expect(r.text).toBe('card [CARD] or [CARD] or [CARD]');
    expect(r.counts.card).toBe(3);
  });

  it('keeps order numbers that are not card numbers', () => {
    expect(redactPii('order 4111 1111 1111 1112 arrived').text).toBe('order 4111 1111 1111 1112 arrived');
  });

  it('redacts phone numbers, international and Chinese mobiles', () => {
    expect(redactPii('call +44 20 7946 0958 please').text).toBe('call [PHONE] please');
    expect(redactPii('手机号是13812345678。').text).toBe('手机号是[PHONE]。');
    expect(redactPii('(555) 123-4567').text).toBe('[PHONE]');
  });

  it('leaves times, amounts and short numbers alone', () => {
    const text = 'I will call you back before 5 pm, it costs 45.50 and ticket #44712 is open; 我会在24小时内回复';
    expect(redactPii(text).text).toBe(text);
  });

  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});
