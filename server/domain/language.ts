/** Script-based language guess: enough to pick prompt language and to flag text the models were not trained on. */

export type Language = 'en' | 'zh' | 'other';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const LATIN = /[A-Za-z]/g;
const LETTER = /\p{L}/gu;

export function detectLanguage(text: string): Language {
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return 'other';
  const cjk = text.match(CJK)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  if (cjk / letters >= 0.3) return 'zh';
  if (latin / letters >= 0.7) return 'en';
  return 'other';
}

/** Fewer than this many words (or CJK characters) is too little to judge mood from. */
const MIN_UNITS = { en: 2, zh: 2, other: Infinity } as const;

export function isTooShortToJudge(text: string, lang: Language): boolean {
  const units = lang === 'zh' ? (text.match(CJK)?.length ?? 0) : text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
  return units < MIN_UNITS[lang];
}
