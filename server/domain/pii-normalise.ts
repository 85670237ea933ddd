/**
 * The working copy PII detection matches on: NFKC (full-width digits and ＠ become ASCII), format
 * characters such as zero-width spaces removed, spoken digit runs ("four one one one", "四一一一")
 * turned into digits, with every unit mapped back to the span of the original it came from. Pure.
 */

/** Normalised text with, for each of its UTF-16 units, the range of the original it came from. */
export interface Mapped {
  text: string;
  from: number[];
  to: number[];
}

const FORMAT_CHAR = /^\p{Cf}$/u;

export function normalise(input: string): Mapped {
  const out: Mapped = { text: '', from: [], to: [] };
  let i = 0;
  for (const ch of input) {
    const start = i;
    i += ch.length;
    if (FORMAT_CHAR.test(ch)) continue;
    // Per character, so that every normalised unit keeps the place it came from.
    const n = ch.normalize('NFKC').replace(/\s/gu, ' ');
    for (let k = 0; k < n.length; k++) {
      out.from.push(start);
      out.to.push(i);
    }
    out.text += n;
  }
  return rewrite(rewrite(out, SPOKEN_EN, spokenEnglish), SPOKEN_ZH, spokenChinese);
}

/** Replaces each match of `pattern` with `replace(match)`; the replacement maps to the whole original span. */
function rewrite(m: Mapped, pattern: RegExp, replace: (match: string) => string): Mapped {
  const out: Mapped = { text: '', from: [], to: [] };
  let last = 0;
  const copy = (a: number, b: number) => {
    out.text += m.text.slice(a, b);
    out.from.push(...m.from.slice(a, b));
    out.to.push(...m.to.slice(a, b));
  };
  for (const match of m.text.matchAll(pattern)) {
    const a = match.index;
    const b = a + match[0].length;
    const replacement = replace(match[0]);
    if (replacement === match[0]) continue;
    copy(last, a);
    out.text += replacement;
    for (let k = 0; k < replacement.length; k++) {
      out.from.push(m.from[a]!);
      out.to.push(m.to[b - 1]!);
    }
    last = b;
  }
  copy(last, m.text.length);
  return out;
}

/** Spoken digits count as a number only in a run of at least this many digits; "one or two" stays words. */
const SPOKEN_MIN_DIGITS = 7;
const EN_DIGITS: Record<string, string> = { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };
const EN_WORD = String.raw`(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|\d+)`;
const SPOKEN_EN = new RegExp(String.raw`\b${EN_WORD}(?:[ ,-]+${EN_WORD})+\b`, 'giu');
const ZH_DIGITS: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
const SPOKEN_ZH = /[零〇一幺二两三四五六七八九](?:[ -]?[零〇一幺二两三四五六七八九])+/gu;

function spokenEnglish(run: string): string {
  const words = run.split(/[ ,-]+/u);
  if (!words.some((w) => EN_DIGITS[w.toLowerCase()] !== undefined)) return run;
  const groups: string[] = [];
  let repeat = 1;
  for (const w of words) {
    const lower = w.toLowerCase();
    if (lower === 'double' || lower === 'triple') repeat = lower === 'double' ? 2 : 3;
    else {
      groups.push((EN_DIGITS[lower] ?? w).repeat(repeat));
      repeat = 1;
    }
  }
  return groups.join('').length >= SPOKEN_MIN_DIGITS ? groups.join(' ') : run;
}

function spokenChinese(run: string): string {
  const digits = run.replace(/[零〇一幺二两三四五六七八九]/gu, (c) => ZH_DIGITS[c]!);
  return digits.replace(/\D/gu, '').length >= SPOKEN_MIN_DIGITS ? digits : run;
}
