import { createHmac } from 'node:crypto';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { normalise, type Mapped } from './pii-normalise.ts';
import { cardWithExtras, cnIdValid, plausibleCard, ssnValid } from './pii-validators.ts';

/**
 * PII redaction. Pure: no I/O, no clock. Every field a person writes (turn text, QA notes, whispers,
 * scorecard comments) goes through `redactText` at the door where it enters; identifier fields that
 * carry PII (a phone number as customerId) go through `redactId`.
 *
 * Matching runs on a normalised copy of the text (NFKC, so full-width digits and ＠ become ASCII;
 * format characters such as zero-width spaces removed; spoken digit runs such as "four one one one"
 * or "四一一一" turned into digits), while the text that comes out is the original with only the
 * matched spans replaced by a token. The detectors run in the order declared below; a span one of
 * them claims is masked from the others.
 *
 * One file of about 350 lines on purpose: the detector table, the patterns it uses and the pass that
 * runs it are read together when a detector is added or tuned.
 */

export type PiiKind = 'email' | 'iban' | 'cnId' | 'card' | 'ssn' | 'cvv' | 'expiry' | 'pin' | 'ip' | 'phone';

export interface Redaction {
  text: string;
  /** How many of each kind were replaced; never the values themselves. */
  counts: Record<PiiKind, number>;
}

/** What a detector judges: the candidate as matched in the normalised text, and what is around it. */
export interface Candidate {
  value: string;
  digits: string;
  /** Up to CONTEXT_CHARS of normalised text on each side (earlier redactions masked). */
  before: string;
  after: string;
  /** The nearest cue word before the candidate (or, failing that, after it), and how far away it is. */
  cue?: { kind: CueKind; distance: number };
  /** Judging an identifier (customerId), not prose: only unmistakable shapes count. */
  identifier: boolean;
}

export interface Detector {
  kind: PiiKind;
  token: string;
  /** Candidates in normalised text; a named group `v` narrows the redaction to that part (the digits after "CVV"). */
  pattern: RegExp;
  /** Whether a candidate is this kind of PII. */
  accept: (c: Candidate) => boolean;
  /** A digit run this detector does not take whole is tried again piece by piece (between its separators), pieces of min to max digits. */
  pieces?: { min: number; max: number };
  /** What is never this PII (dates, for phones): masked before this detector runs, so no run crosses it. */
  keep?: RegExp;
}

const CONTEXT_CHARS = 40;

// ---- cue words ---------------------------------------------------------------------------------

export type CueKind = 'card' | 'id' | 'ssn' | 'order' | 'phone';

/**
 * Words that say what a nearby number is. At one position the earlier class and the longer phrase
 * win, so "订单号码" is an order and "order number" is not a phone "number".
 */
const CUES: Record<CueKind, string[]> = {
  card: ['credit card', 'debit card', 'card number', 'card no', 'card', 'visa', 'mastercard', 'master card', 'amex', 'american express', 'discover', 'unionpay', 'cvv', 'cvc', 'security code', 'expiry', 'expiration', 'expires', 'exp', 'valid thru', '银联', '卡号', '信用卡', '银行卡', '借记卡', '储蓄卡', '安全码', '有效期'],
  id: ['resident id', 'national id', 'id card', 'id number', '身份证号码', '身份证号', '身份证', '证件号码', '证件号'],
  ssn: ['social security number', 'social security', 'ssn', 'social'],
  order: ['order number', 'order no', 'order id', 'order', 'tracking number', 'tracking', 'waybill', 'reference number', 'reference', 'ref', 'invoice', 'ticket number', 'ticket', 'case number', 'case no', 'booking', 'confirmation number', 'confirmation', 'flights', 'flight', 'flts', 'flt', 'serial', 'sku', '订单号码', '订单编号', '订单号', '订单', '运单号', '运单', '快递单号', '快递', '物流', '单号', '工单号', '工单', '发票号', '发票', '确认号', '预订号', '航班号', '航班', '编号', '型号'],
  phone: ['phone number', 'telephone', 'phone', 'mobile', 'cell', 'tel', 'call me', 'call', 'ring', 'dial', 'text me', 'whatsapp', 'wechat', 'fax', 'my number', 'number', 'reach me', 'contact', '电话号码', '电话', '手机号码', '手机号', '手机', '联系电话', '联系方式', '联系', '致电', '拨打', '打给', '座机', '微信', '号码'],
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
const CUE = new RegExp(
  Object.entries(CUES)
    .map(([kind, words]) => `(?<${kind}>${words.map((w) => (/^[a-z ]+$/u.test(w) ? String.raw`\b${escape(w)}\b` : escape(w))).join('|')})`)
    .join('|'),
  'giu',
);

const FIRST_CUE = new RegExp(CUE.source, 'iu');
/** Cue words have letters or Han characters; a window of digits and spaces needs no search. */
const WORDY = /[a-z\u3400-\u9fff]/iu;

/** The nearest cue before an offset of the working text, else the first after another; memoised per detector pass. */
class Cues {
  private readonly before = new Map<number, Candidate['cue']>();
  private readonly after = new Map<number, Candidate['cue']>();
  constructor(private readonly work: string) {}

  at(start: number, end: number): Candidate['cue'] {
    if (!this.before.has(start)) {
      const text = this.work.slice(Math.max(0, start - CONTEXT_CHARS), start);
      let last: RegExpExecArray | undefined;
      if (WORDY.test(text)) for (const m of text.matchAll(CUE)) last = m;
      this.before.set(start, last && { kind: kindOf(last), distance: text.length - last.index - last[0].length });
    }
    const before = this.before.get(start);
    if (before) return before;
    if (!this.after.has(end)) {
      const text = this.work.slice(end, end + CONTEXT_CHARS);
      const next = WORDY.test(text) ? FIRST_CUE.exec(text) : null;
      this.after.set(end, next ? { kind: kindOf(next), distance: next.index } : undefined);
    }
    return this.after.get(end);
  }
}

function kindOf(match: RegExpMatchArray): CueKind {
  return Object.keys(CUES).find((k) => match.groups?.[k] !== undefined) as CueKind;
}

// What a phone number is not, as a whole candidate...
const DATE_RANGE = /^(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01]) ?[-/] ?(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])$/u;
const TIME_RANGE = /^(?:[01]?\d|2[0-3])\.[0-5]\d ?[-/] ?(?:[01]?\d|2[0-3])\.[0-5]\d$/u;
const YEARS = /^(?:19|20)\d{2}(?: ?[-/. ] ?(?:19|20)\d{2})+$/u;
const DECIMAL = /^\d+[.,]\d{1,2}$/u;
const THOUSANDS = /^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?:[.,]\d{1,2})?$/u;
const CURRENCY_BEFORE = /(?:[$€£¥]|\b(?:usd|rmb|cny|eur|gbp|hkd)|人民币)\s*$/iu;
const CURRENCY_AFTER = /^\s*(?:元|块|万|亿|美元|欧元|英镑|%|\b(?:dollars?|usd|rmb|cny|yuan|euros?|eur|pounds?|gbp)\b)/iu;
const notPhone = (c: Candidate) =>
  DATE_RANGE.test(c.value) || TIME_RANGE.test(c.value) || YEARS.test(c.value) || DECIMAL.test(c.value) || THOUSANDS.test(c.value) || CURRENCY_BEFORE.test(c.before) || CURRENCY_AFTER.test(c.after);

// ...and what no phone number runs through: dates, times, software versions (a French 06.12.34.56.78 is a phone).
const DATES = String.raw`(?<!\w|\d[.\-/])(?:(?:19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|[12]\d|3[01])\2(?:19|20)?\d{2})(?!\w|[.\-/]\d)`;
const MONTH = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?`;
const WORDED_DATES = String.raw`\b(?:${MONTH} \d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d{2}|\d{1,2}(?:st|nd|rd|th)? ${MONTH},? (?:19|20)\d{2})\b`;
const TIMES = String.raw`(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)`;
const VERSIONS = String.raw`(?<![\w.])(?!0\d(?:\.\d{2}){4}(?![\w.]))\d{1,4}(?:\.\d{1,5}){3,}(?![\w]|\.\d)`;
const NEVER_A_PHONE = new RegExp([DATES, WORDED_DATES, TIMES, VERSIONS].join('|'), 'giu');

const CN_MOBILE = /^(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}$/u;
const CN_LANDLINE = /^0\d{9,11}$/u;
/** An order or reference number right before: "订单号：…", "order #…". */
const orderJustBefore = (c: Candidate) => c.cue?.kind === 'order' && c.cue.distance <= 16;

// ---- detectors ---------------------------------------------------------------------------------

/**
 * Digits with any separators between them (spaces, two spaces, dashes, slashes, a dot between two
 * digits: ". " ends a sentence), a +country code, an (area) code. Digits joined to letters, directly
 * or by a dash, are part of an id (SF1234…, AB-1234567, a UUID), and "#1786" is a reference.
 */
const DIGIT_RUN = /(?<![\w+#]|\w-)(?:\+ ?(?:\d{1,3} ?(?=\())?)?(?:\(\d{1,4}\) ?)?\d(?:(?:[ \-/]{0,3}|\.)\d)*(?!\w|-\w)/gu;

const TLDS = 'com|net|org|edu|gov|mil|int|info|biz|io|co|me|app|dev|ai|cn|hk|tw|sg|jp|kr|uk|us|ca|au|nz|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|ie|pl|pt|ru|in|br|mx|eu';
const EMAIL_AT = String.raw`(?:@| @ |\s*[[(<{]\s*at\s*[\])>}]\s*|\s+at\s+|\s*艾特\s*)`;
const EMAIL_DOT = String.raw`(?:\.| \. |\s*[[(<{]\s*dot\s*[\])>}]\s*|\s+dot\s+|\s*点\s*)`;
const EMAIL_LABEL = String.raw`[\w%+-]+`;
const EMAIL = new RegExp(String.raw`(?<![\w.%+-])${EMAIL_LABEL}(?:${EMAIL_DOT}${EMAIL_LABEL})*${EMAIL_AT}[a-z0-9-]+(?:${EMAIL_DOT}[a-z0-9-]+)*${EMAIL_DOT}[a-z]{2,24}(?![\w-])`, 'giu');
const COMMON_TLD = new RegExp(`(?:${TLDS})$`, 'iu');
/**
 * A plain address takes any top-level domain; a spelled-out one ("jane at example dot com") only a
 * common one, and never a web address ("the Business Hall at www.10010.com").
 */
const emailAccept = (c: Candidate) =>
  (/^[^\s@]+@[^\s@]+$/u.test(c.value) && !/\.\./u.test(c.value)) || (COMMON_TLD.test(c.value) && !/\sat\s+www\./iu.test(c.value));

const CVV_CUE = String.raw`(?:\b(?:cvv2?|cvc2?|cvn|csc|cid|card (?:security|verification) (?:code|value)|security code)(?![a-z])|安全码|校验码|卡背面?的?(?:后)?三位(?:数字|数)?)`;
const EXPIRY_DATE = String.raw`(?:(?:0?[1-9]|1[0-2]) ?[-/.] ?(?:20)?\d{2}|20\d{2} ?[-/.年] ?(?:0?[1-9]|1[0-2])月?)`;
const EXPIRY_CUE = String.raw`(?:\b(?:exp(?:iry|ires|iration)?(?: date)?|valid (?:thru|through|until)|good thru)(?![a-z])|有效期(?:至|到)?|到期(?:日|时间)?|过期时间)`;
const PIN_CUE = String.raw`(?:\b(?:pin(?: code| number)?|passcode|password|one[- ]time (?:code|password)|otp|verification code)(?![a-z])|密码|口令|验证码)`;
const LINK = String.raw`\s*(?:(?:code|number|no\.?|#)\s*)?(?:is|was|=|:|是|为|号)?\s*`;
/** The mask of a redacted card in the working text: what follows one is read as its expiry and CVV. */
const CARD_MASK = '\uE001';

/** The detectors, in the order they run. */
export const DETECTORS: readonly Detector[] = [
  { kind: 'email', token: '[EMAIL]', pattern: EMAIL, accept: emailAccept },
  {
    kind: 'iban',
    token: '[IBAN]',
    pattern: /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b/giu,
    accept: (c) => isValidIBAN(electronicFormatIBAN(c.value) ?? ''),
  },
  {
    kind: 'cnId',
    token: '[ID]',
    pattern: /(?<![\w+])\d{6}[ -]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}[\dXx](?!\w)/gu,
    accept: (c) => cnIdValid(c.value.replace(/[ -]/gu, '')) && !orderJustBefore(c),
  },
  {
    kind: 'card',
    token: '[CARD]',
    pattern: DIGIT_RUN,
    pieces: { min: 12, max: 27 },
    accept: (c) => {
      const d = c.digits;
      if (/^[+(]/u.test(c.value)) return false;
      if (c.identifier) return plausibleCard(d);
      // Said to be a card: any 12 to 19 digits, or more with its CVV and expiry, Luhn or not.
      if (d.length < 12 || d.length > 27) return false;
      if (c.cue?.kind === 'card') return true;
      return (plausibleCard(d) || cardWithExtras(d)) && !orderJustBefore(c);
    },
  },
  {
    kind: 'ssn',
    token: '[SSN]',
    pattern: DIGIT_RUN,
    pieces: { min: 9, max: 9 },
    accept: (c) => ssnValid(c.digits) && (/^\d{3}-\d{2}-\d{4}$/u.test(c.value) ? !orderJustBefore(c) : c.cue?.kind === 'ssn'),
  },
  {
    kind: 'expiry',
    token: '[EXPIRY]',
    pattern: new RegExp(String.raw`(?:${EXPIRY_CUE}${LINK}|${CARD_MASK}[\s,;]{0,3})(?<v>${EXPIRY_DATE})(?!\d)`, 'giud'),
    accept: () => true,
  },
  {
    kind: 'cvv',
    token: '[CVV]',
    pattern: new RegExp(String.raw`(?:${CVV_CUE}${LINK}|${CARD_MASK}[\s,;/]{0,3}(?:\uE000+[\s,;/]{0,3})?)(?<v>\d{3,4})(?!\d)`, 'giud'),
    accept: () => true,
  },
  { kind: 'pin', token: '[PIN]', pattern: new RegExp(String.raw`${PIN_CUE}${LINK}(?<v>\d{4,8})(?!\d)`, 'giud'), accept: () => true },
  { kind: 'ip', token: '[IP]', pattern: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/gu, accept: () => true },
  {
    kind: 'phone',
    token: '[PHONE]',
    pattern: DIGIT_RUN,
    pieces: { min: 7, max: 15 },
    keep: NEVER_A_PHONE,
    accept: (c) => {
      const n = c.digits.length;
      if (n < 7 || n > 15 || notPhone(c)) return false;
      if (c.value.startsWith('+')) return true;
      if (c.cue?.kind === 'order') return false;
      if (CN_MOBILE.test(c.value)) return true;
      if (c.identifier) return false;
      // Unbroken digits without a word saying "phone" are order, tracking or account numbers.
      return c.cue?.kind === 'phone' || /[ .\-/()]/u.test(c.value) || CN_LANDLINE.test(c.value);
    },
  },
];

/** Spans that are not PII: masked so that digit runs stop at them, then left as they were. */
const KEPT = '\uE002';
const MASK: Record<PiiKind, string> = Object.fromEntries(DETECTORS.map((d) => [d.kind, d.kind === 'card' ? CARD_MASK : '\uE000'])) as Record<PiiKind, string>;

// ---- redaction ---------------------------------------------------------------------------------

interface Span {
  start: number;
  end: number;
  detector: Detector;
}

function candidate(work: string, start: number, end: number, identifier: boolean, cues: Cues): Candidate {
  const value = work.slice(start, end);
  return {
    value,
    digits: value.replace(/\D/gu, ''),
    before: work.slice(Math.max(0, start - CONTEXT_CHARS), start),
    after: work.slice(end, end + CONTEXT_CHARS),
    // Worked out only when a detector asks: most candidates are settled by their digits alone.
    get cue() {
      return cues.at(start, end);
    },
    identifier,
  };
}

/** The separated groups of a digit run, as [start, end) offsets within it. */
function groupsOf(run: string): [number, number][] {
  return [...run.matchAll(/[+(]?\d+\)?/gu)].map((m) => [m.index, m.index + m[0].length]);
}

function detect(work: string, detector: Detector, identifier: boolean): Span[] {
  const spans: Span[] = [];
  const pattern = new RegExp(detector.pattern);
  const cues = new Cues(work);
  for (let m = pattern.exec(work); m; m = pattern.exec(work)) {
    const [start, end] = m.indices?.groups?.v ?? [m.index, m.index + m[0].length];
    if (detector.accept(candidate(work, start, end, identifier, cues))) {
      spans.push({ start, end, detector });
      continue;
    }
    if (!detector.pieces) {
      // A shorter candidate may start inside this one: "email me at jane dot doe at gmail dot com".
      pattern.lastIndex = m.index + 1;
      continue;
    }
    // Not this PII as a whole: perhaps a part of it is, as a phone number run into a date.
    const { min, max } = detector.pieces;
    const groups = groupsOf(m[0]);
    // upTo[k]: digits in groups before k.
    const upTo = [0];
    for (const [a, b] of groups) upTo.push(upTo.at(-1)! + m[0].slice(a, b).replace(/\D/gu, '').length);
    let hi = 0;
    for (let i = 0; i < groups.length; i++) {
      // hi: the last group a piece starting at group i can reach without passing max digits.
      hi = Math.max(hi, i);
      while (hi + 1 < groups.length && upTo[hi + 2]! - upTo[i]! <= max) hi++;
      for (let j = hi; j >= i; j--) {
        const digits = upTo[j + 1]! - upTo[i]!;
        if (digits < min) break;
        if (digits > max || (i === 0 && j === groups.length - 1)) continue;
        const a = m.index + groups[i]![0];
        const b = m.index + groups[j]![1];
        if (!detector.accept(candidate(work, a, b, identifier, cues))) continue;
        spans.push({ start: a, end: b, detector });
        i = j;
        break;
      }
    }
  }
  return spans;
}

function find(input: string, identifier: boolean): { mapped: Mapped; spans: Span[] } {
  const mapped = normalise(input);
  let work = mapped.text;
  const spans: Span[] = [];
  for (const detector of DETECTORS) {
    if (detector.keep) work = work.replace(detector.keep, (m) => KEPT.repeat(m.length));
    for (const span of detect(work, detector, identifier)) {
      spans.push(span);
      work = work.slice(0, span.start) + MASK[detector.kind].repeat(span.end - span.start) + work.slice(span.end);
    }
  }
  return { mapped, spans: spans.sort((a, b) => a.start - b.start) };
}

function noCounts(): Record<PiiKind, number> {
  return Object.fromEntries(DETECTORS.map((d) => [d.kind, 0])) as Record<PiiKind, number>;
}

/** The text with every detected piece of PII replaced by its token; the rest exactly as written. */
export function redactPii(input: string): Redaction {
  const { mapped, spans } = find(input, false);
  const counts = noCounts();
  let text = '';
  let last = 0;
  for (const { start, end, detector } of spans) {
    const from = mapped.from[start]!;
    text += input.slice(last, from) + detector.token;
    last = mapped.to[end - 1]!;
    counts[detector.kind]++;
  }
  return { text: text + input.slice(last), counts };
}

/** The one call for a free-text field a person writes. */
export function redactText(input: string): string {
  return redactPii(input).text;
}

/**
 * An identifier that carries PII (a phone number or e-mail address as customerId) becomes a keyed
 * pseudonym: the same id gives the same pseudonym, so a customer's conversations still group, and
 * without the key nobody can go back from one to the other. Other ids are kept as they are.
 */
export function redactId(id: string, key: string): string {
  // "_" and ":" are word characters or odd separators inside ids; read them as breaks between parts.
  const { spans } = find(id.replace(/[_:]/gu, ' '), true);
  if (spans.length === 0) return id;
  // The prefix has a newline, which no signed token contains: a pseudonym is never a token signature.
  return `pii-${createHmac('sha256', key).update(`rapport pii id\n${id}`).digest('hex').slice(0, 24)}`;
}
