/** Checksums and number rules that tell a real card, resident ID or SSN from any digit run. Pure. */

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

/** Issuer prefixes of the card schemes (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro). */
const CARD_PREFIX = /^(?:4|5[0-8]|2[2-7]|3[0-9]|6|81)/u;
export const plausibleCard = (d: string) => d.length >= 13 && d.length <= 19 && CARD_PREFIX.test(d) && luhnValid(d);

/** A card number followed, without a break, by what is asked with it: CVV, expiry (MMYY, MMYYYY), or both. */
const CARD_EXTRAS = /^(?:\d{3,4}|(?:0[1-9]|1[0-2])(?:\d{2}|20\d{2})(?:\d{3,4})?)$/u;
export function cardWithExtras(d: string): boolean {
  if (d.length < 16 || !CARD_PREFIX.test(d)) return false;
  for (let len = 13; len <= 19 && len < d.length; len++) {
    if (luhnValid(d.slice(0, len)) && CARD_EXTRAS.test(d.slice(len))) return true;
  }
  return false;
}

const CN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643: the 18th character is ISO 7064 MOD 11-2 of the first 17. */
export function cnIdValid(id: string): boolean {
  const s = id.toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/u.test(s)) return false;
  const sum = CN_ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(s[i]), 0);
  return '10X98765432'[sum % 11] === s[17];
}

/** US SSN rules: no area 000, 666 or 9xx, no group 00, no serial 0000. */
export const ssnValid = (d: string) => d.length === 9 && !/^(?:000|666|9)/u.test(d) && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
