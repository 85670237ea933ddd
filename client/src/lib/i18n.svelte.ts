/**
 * The interface in English and Chinese: the chosen language (kept in localStorage, so a screen left
 * open for a shift comes back in the same language), `t()` over the message tables in `i18n/` (one
 * per screen or domain, ICU syntax formatted by intl-messageformat, keys typed from the English
 * tables), and dates and numbers through Intl in the chosen language. Conversation data
 * (transcripts, suggested lines) stays in the language it was spoken in.
 *
 * Why not paraglide-js or svelte-i18n: paraglide compiles JSON message files into functions through
 * a build plugin and its own locale runtime, a second source of truth for the locale next to this
 * $state; svelte-i18n is built on svelte/store with untyped string keys. intl-messageformat is the
 * ICU formatter both of them use, and TypeScript gives the typed keys.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import agent from './i18n/agent.ts';
import common from './i18n/common.ts';
import intents from './i18n/intents.ts';
import qa from './i18n/qa.ts';
import reasons from './i18n/reasons.ts';
import team from './i18n/team.ts';
import wall from './i18n/wall.ts';

const en = { ...common.en, ...agent.en, ...wall.en, ...qa.en, ...team.en, ...reasons.en, ...intents.en };
export type MessageKey = keyof typeof en;
const zh: Record<MessageKey, string> = { ...common.zh, ...agent.zh, ...wall.zh, ...qa.zh, ...team.zh, ...reasons.zh, ...intents.zh };

export type Locale = 'en' | 'zh';
const TABLES: Record<Locale, Record<MessageKey, string>> = { en, zh };
const KEY = 'rapport.locale';

/** The BCP 47 tag Intl formats with: the browser's own English (en-US dates for a US browser), else British English; simplified Chinese. */
export function localeTag(locale: Locale = i18n.locale): string {
  if (locale === 'zh') return 'zh-CN';
  return navigator.language.toLowerCase().startsWith('en') ? navigator.language : 'en-GB';
}

function initialLocale(): Locale {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const i18n = $state<{ locale: Locale }>({ locale: initialLocale() });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  localStorage.setItem(KEY, locale);
  document.documentElement.lang = localeTag(locale);
}

const formats = new Map<string, IntlMessageFormat>();

/** The message for `key` in the current language, formatted with `params` (ICU: plurals, numbers). Reactive. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const locale = i18n.locale;
  const source = TABLES[locale][key];
  // A key built at run time (an emotion, a checklist item) may be unknown: show the key itself.
  if (source === undefined) return key;
  const id = `${locale}:${key}`;
  let format = formats.get(id);
  if (!format) formats.set(id, (format = new IntlMessageFormat(source, localeTag(locale))));
  try {
    return String(format.format(params));
  } catch {
    return source;
  }
}

/** Whether `key` has a message (for names built from server ids, such as a configured criterion). */
export function has(key: string): key is MessageKey {
  return key in en;
}

/** Emotion names for the labels the playbook knows; a model's other labels are shown as they come. */
const EMOTIONS_ZH: Record<string, string> = {
  anger: '愤怒',
  frustration: '沮丧',
  confusion: '困惑',
  anxiety: '焦虑',
  sadness: '难过',
  gratitude: '感激',
  joy: '高兴',
  neutral: '平静',
  fear: '害怕',
  surprise: '惊讶',
  disgust: '反感',
};

export function emotionName(label: string): string {
  return i18n.locale === 'zh' ? (EMOTIONS_ZH[label] ?? label) : label;
}

/** A number in the interface language, e.g. a mood with two decimals and its sign. */
export function formatNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(localeTag(), options).format(n);
}

/** A length of time in words and the interface language: "41 sec", "10 min 41 sec", "1 hr 5 min" / "10分钟41秒". */
export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const unit = (n: number, u: 'hour' | 'minute' | 'second') => formatNumber(n, { style: 'unit', unit: u, unitDisplay: 'short' });
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const parts = h > 0 ? [unit(h, 'hour'), ...(m > 0 ? [unit(m, 'minute')] : [])] : m > 0 ? [unit(m, 'minute'), ...(s > 0 ? [unit(s, 'second')] : [])] : [unit(s, 'second')];
  return parts.join(i18n.locale === 'zh' ? '' : ' ');
}

/** A list ("a, b and c" / "a、b和c") in the interface language. */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(localeTag(), { type: 'conjunction' }).format(items);
}

/** Times and dates in the interface language; the month is a word, so 2 Dec never reads as 12 Feb. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(localeTag(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toLocaleString(localeTag(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatDate(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString(localeTag(), { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A deadline: the time alone when it falls on the same day as `now`, else the date and time. */
export function formatDeadline(epochMs: number, now: number): string {
  if (new Date(epochMs).toDateString() !== new Date(now).toDateString()) return formatDateTime(epochMs);
  return new Date(epochMs).toLocaleTimeString(localeTag(), { hour: '2-digit', minute: '2-digit' });
}
