/**
 * PII redaction, applied at ingest before a turn is stored, scored, broadcast or logged.
 * Card numbers are checked with Luhn so that order numbers survive; any other run of 7 to 15 digits
 * (with spaces, dots or dashes) counts as a phone number, so times ("5 pm"), amounts and short
 * ticket numbers stay readable while longer account numbers are redacted too: safer that way round.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const CARD_CANDIDATE = /(?<!\d[ -]?)(?:\d[ -]?){12,18}\d(?![ -]?\d)/g;
const PHONE_CANDIDATE = /(?<![\d+][\s.-]?)(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d(?:[\s.-]?\d){6,14}(?![\s.-]?\d)/g;

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface Redaction {
  text: string;
  /** How many of each kind were replaced; never the values themselves. */
  counts: { email: number; card: number; phone: number };
}

export function redactPii(input: string): Redaction {
  const counts = { email: 0, card: 0, phone: 0 };
  let text = input.replace(EMAIL, () => {
    counts.email++;
    return '[EMAIL]';
  });
  text = text.replace(CARD_CANDIDATE, (m) => {
    const d = digitsOf(m);
    if (d.length < 13 || d.length > 19 || !luhnValid(d)) return m;
    counts.card++;
    return '[CARD]';
  });
  text = text.replace(PHONE_CANDIDATE, (m) => {
    const d = digitsOf(m);
    if (d.length < 7 || d.length > 15) return m;
    counts.phone++;
    return '[PHONE]';
  });
  return { text, counts };
}
