import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { promptTurnOf, type Conversation } from '../domain/conversation.ts';
import type { Prompt } from '../domain/prompt.ts';
import type { FeedbackTarget } from '../domain/quality.ts';
import { groupBy, mean, roundTo } from '../lib/index.ts';

/**
 * What the feedback on alerts and prompts says: the precision of each rule, the effect of each prompt
 * on the customer's mood, and the corrected turns as a `text<TAB>label` file for the retraining command.
 */

export interface RulePrecision {
  target: FeedbackTarget;
  rule: string;
  helpful: number;
  wrong: number;
  /** helpful / (helpful + wrong). */
  precision: number | null;
}

export interface PromptEffect {
  promptId: string;
  source: string;
  used: boolean;
  /** `marked`: the agent said so; `inferred`: one of the agent's next two turns echoes the prompt's wording. */
  usedBy: 'marked' | 'inferred' | null;
  /** The customer's smoothed mood over the (up to) three customer turns after the prompt, minus before it. */
  change: number | null;
  turnsObserved: number;
}

export interface PromptEffectiveness {
  source: string;
  prompts: number;
  used: number;
  dismissed: number;
  usedRate: number;
  avgChangeWhenUsed: number | null;
  avgChangeWhenNotUsed: number | null;
  /** avgChangeWhenUsed − avgChangeWhenNotUsed: positive = customers do better when agents use it. */
  uplift: number | null;
  helpful: number;
  wrong: number;
}

export interface FeedbackReport {
  rules: RulePrecision[];
  prompts: PromptEffectiveness[];
  /** Feedback that carries a corrected label, i.e. rows of the export. */
  corrections: number;
}

const EFFECT_TURNS = 3;
/** Share of a prompt's content words an agent turn must repeat to count as following it. */
const ECHO_SHARE = 0.5;
const ECHO_TURNS = 2;
const QUOTED = /["“]([^"”]+)["”]/gu;
const HAN_RUN = /[\u3400-\u9fff]+/gu;
const STOP = new Set(['the', 'and', 'you', 'your', 'for', 'thi', 'that', 'with', 'have', 'can', 'let', 'now', 'will', 'what', 'are', 'not']);
const tokenizer = new WordTokenizer();

/** Content words: English stems of three letters or more, and Chinese character pairs. */
function contentWords(text: string): Set<string> {
  const words = tokenizer
    .tokenize(text.toLowerCase())
    .map((w) => PorterStemmer.stem(w))
    .filter((w) => w.length >= 3 && !STOP.has(w) && !/[\u3400-\u9fff]/u.test(w));
  const pairs = [...text.matchAll(HAN_RUN)].flatMap(([run]) => Array.from({ length: Math.max(0, run.length - 1) }, (_, i) => run.slice(i, i + 2)));
  return new Set([...words, ...pairs]);
}

/**
 * Whether the agent followed a prompt without saying so: one of their next two turns repeats at least
 * half of its suggested wording (the quoted part when there is one, since that is what an agent would say).
 */
function echoesPrompt(c: Conversation, p: Prompt, afterIndex: number): boolean {
  const quoted = [...p.text.matchAll(QUOTED)].map((m) => m[1]).join(' ');
  const target = contentWords(quoted || p.text);
  if (target.size === 0) return false;
  // A prompt with a trigger turn came before every turn after it; a whisper has only its time to go by.
  const next = c.turns
    .slice(afterIndex + 1)
    .filter((t) => t.speaker === 'agent' && (p.turnId !== undefined || t.at >= p.at))
    .slice(0, ECHO_TURNS);
  return next.some((t) => {
    const said = contentWords(t.text);
    return [...target].filter((w) => said.has(w)).length / target.size >= ECHO_SHARE;
  });
}

export function promptEffect(c: Conversation, p: Prompt): PromptEffect {
  const trigger = promptTurnOf(c, p);
  const index = trigger ? c.turns.indexOf(trigger) : -1;
  const usedBy = p.feedback === 'used' ? 'marked' : p.feedback !== 'dismissed' && echoesPrompt(c, p, index) ? 'inferred' : null;
  const before = c.turns.slice(0, index + 1).filter((t) => t.speaker === 'customer').at(-1);
  const after = c.turns.slice(index + 1).filter((t) => t.speaker === 'customer').slice(0, EFFECT_TURNS);
  const last = after.at(-1);
  return {
    promptId: p.id,
    source: p.source,
    used: usedBy !== null,
    usedBy,
    change: before && last ? Number((last.smoothed - before.smoothed).toFixed(3)) : null,
    turnsObserved: after.length,
  };
}


export function feedbackReport(conversations: readonly Conversation[]): FeedbackReport {
  const feedback = conversations.flatMap((c) => c.feedback ?? []);
  const precision = new Map<string, RulePrecision>();
  for (const f of feedback) {
    const key = `${f.target}\u0000${f.rule}`;
    const r = precision.get(key) ?? { target: f.target, rule: f.rule, helpful: 0, wrong: 0, precision: null };
    r[f.verdict]++;
    r.precision = Number((r.helpful / (r.helpful + r.wrong)).toFixed(3));
    precision.set(key, r);
  }

  const effects = conversations.flatMap((c) => c.prompts.map((p) => promptEffect(c, p)));
  const dismissedIds = new Set(conversations.flatMap((c) => c.prompts.filter((p) => p.feedback === 'dismissed').map((p) => p.id)));
  const bySource = groupBy(effects, (e) => e.source);
  const prompts = [...bySource].map(([source, es]) => {
    const changes = (used: boolean) => es.filter((e) => e.used === used && e.change !== null).map((e) => e.change!);
    const whenUsed = roundTo(mean(changes(true)));
    const whenNot = roundTo(mean(changes(false)));
    const votes = precision.get(`prompt\u0000${source}`);
    return {
      source,
      prompts: es.length,
      used: es.filter((e) => e.used).length,
      dismissed: es.filter((e) => dismissedIds.has(e.promptId)).length,
      usedRate: Number((es.filter((e) => e.used).length / es.length).toFixed(3)),
      avgChangeWhenUsed: whenUsed,
      avgChangeWhenNotUsed: whenNot,
      uplift: whenUsed === null || whenNot === null ? null : Number((whenUsed - whenNot).toFixed(3)),
      helpful: votes?.helpful ?? 0,
      wrong: votes?.wrong ?? 0,
    };
  });
  return {
    rules: [...precision.values()].sort((a, b) => a.target.localeCompare(b.target) || a.rule.localeCompare(b.rule)),
    prompts: prompts.sort((a, b) => (b.uplift ?? -Infinity) - (a.uplift ?? -Infinity) || a.source.localeCompare(b.source)),
    corrections: feedback.filter((f) => f.correctLabel && f.turn).length,
  };
}

/**
 * The corrected turns as `text<TAB>label` with a header, the format `models/train/train.py --data`
 * reads. One row per turn (the latest correction wins); tabs and line breaks in text become spaces.
 */
export function correctionsTsv(conversations: readonly Conversation[]): string {
  const rows = new Map<string, string>();
  const corrected = conversations.flatMap((c) => (c.feedback ?? []).filter((f) => f.correctLabel && f.turn).map((f) => ({ c, f })));
  for (const { c, f } of corrected.sort((a, b) => a.f.at - b.f.at)) {
    rows.set(`${c.id}\u0000${f.turn!.turnId}`, `${f.turn!.text.replace(/[\t\r\n]+/g, ' ').trim()}\t${f.correctLabel}`);
  }
  return ['text\tlabel', ...rows.values()].join('\n') + '\n';
}
