import type { Conversation } from '../domain/conversation.ts';
import { PhraseMatcher } from '../rules/index.ts';
import { type QualityConfig } from './config.ts';
import { CHECKLIST_ITEMS, type Checklist, type ChecklistItem, type ChecklistItemId } from '../domain/quality.ts';

/**
 * The service-standard checklist on agent turns, English and Chinese: greeting, identity check,
 * polite wording, an explicit commitment, a summary, a closing. Phrases come from config; the one
 * thing phrases cannot say, "by when", is recognised by the time patterns below.
 */


type ChecklistConfig = QualityConfig['checklist'];

const SENTENCE = /[.!?;。！？；\n]+/u;
const NUMBER_ZH = '[\\d一二三四五六七八九十两半]+';
const WEEKDAY_EN = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)';
/** "by when": a clock time, a relative day, a named weekday, or a bounded span ("within 24 hours", "24小时内"). */
const TIME_PATTERNS: RegExp[] = [
  /\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)(?![a-z])/i,
  new RegExp(`\\b(?:before|by|until|till)\\s+(?:\\d{1,2}(?::\\d{2})?|noon|midday|midnight|tonight|tomorrow|today|${WEEKDAY_EN}|(?:the\\s+)?end\\s+of\\s+(?:the\\s+)?(?:day|week|month)|close\\s+of\\s+business|eod|cob|next\\s+\\w+)\\b`, 'i'),
  /\b(?:within|in)\s+(?:the\s+next\s+(?:\d+\s+)?|(?:\d+|an?|one|two|three|four|five|six|seven|ten|few|couple\s+of)\s+(?:\w+\s+)?)(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\b/i,
  new RegExp(`\\b(?:today|tonight|tomorrow|this\\s+(?:morning|afternoon|evening|week)|next\\s+(?:week|${WEEKDAY_EN})|on\\s+${WEEKDAY_EN})\\b`, 'i'),
  new RegExp(`${NUMBER_ZH}\\s*个?(?:小时|分钟|天|工作日|日|周|星期)(?:之内|以内|内)`, 'u'),
  /(?:今天|明天|后天|今晚|明早|今日|明日|本周|下周|周[一二三四五六日末]|星期[一二三四五六日天]|月底|下班前)/u,
  new RegExp(`(?:上午|下午|晚上|中午)?\\s*${NUMBER_ZH}\\s*(?:点|:|：|时)`, 'u'),
];

/** Whether a sentence says by when. */
export function hasTimeExpression(sentence: string): boolean {
  return TIME_PATTERNS.some((p) => p.test(sentence));
}

/** The words that say by when ("before 5 pm", "24小时内"), the first pattern that matches; undefined when none. */
export function timeExpressionOf(sentence: string): string | undefined {
  for (const p of TIME_PATTERNS) {
    const m = p.exec(sentence);
    if (m) return m[0].trim();
  }
  return undefined;
}

export interface CommitmentMatch {
  /** The commitment phrase found. */
  phrase: string;
  /** Whether the same sentence says by when. */
  withTime: boolean;
}

export interface Detection {
  status: 'done' | 'partial';
  evidence: string;
}

export interface ChecklistDetector {
  /** The items one agent turn's text satisfies, with the matching words; an untimed commitment is partial. */
  detect(text: string): Partial<Record<ChecklistItemId, Detection>>;
  /** The best commitment in the text: a timed one wins over an untimed one. */
  commitment(text: string): CommitmentMatch | undefined;
  /** Whether either side is wrapping up ("anything else?", "that's all", "再见"). */
  isNearEnd(text: string): boolean;
  /** The conversation's checklist from all its agent turns so far. */
  checklistOf(c: Conversation): Checklist;
}

function requiredItems(config: ChecklistConfig, queue: string | undefined): { queue: string; items: ChecklistItemId[] } {
  const key = queue !== undefined && config.queues[queue] ? queue : 'default';
  return { queue: key, items: config.queues[key]! };
}

export function createChecklistDetector(config: ChecklistConfig): ChecklistDetector {
  const matchers = Object.fromEntries(CHECKLIST_ITEMS.map((id) => [id, new PhraseMatcher(config.phrases[id])])) as Record<ChecklistItemId, PhraseMatcher>;
  const nearEnd = new PhraseMatcher(config.nearEnd);

  const commitment = (text: string): CommitmentMatch | undefined => {
    let best: CommitmentMatch | undefined;
    for (const sentence of text.split(SENTENCE)) {
      const phrase = matchers.commitment.find(sentence)[0];
      if (phrase === undefined) continue;
      const withTime = hasTimeExpression(sentence);
      if (withTime) return { phrase, withTime };
      best ??= { phrase, withTime };
    }
    return best;
  };

  const detect = (text: string): Partial<Record<ChecklistItemId, Detection>> => {
    const found: Partial<Record<ChecklistItemId, Detection>> = {};
    for (const id of CHECKLIST_ITEMS) {
      if (id === 'commitment') continue;
      const hit = matchers[id].find(text)[0];
      if (hit !== undefined) found[id] = { status: 'done', evidence: hit };
    }
    const c = commitment(text);
    if (c) found.commitment = { status: c.withTime ? 'done' : 'partial', evidence: c.phrase };
    return found;
  };

  return {
    detect,
    commitment,
    isNearEnd: (text) => nearEnd.find(text).length > 0,
    checklistOf(c) {
      const { queue, items: required } = requiredItems(config, c.queue);
      const items = new Map<ChecklistItemId, ChecklistItem>(required.map((id) => [id, { id, status: 'missing' }]));
      const agentTurns = c.turns.filter((t) => t.speaker === 'agent');
      agentTurns.forEach((turn, index) => {
        const found = detect(turn.text);
        for (const [id, { status, evidence }] of Object.entries(found) as [ChecklistItemId, Detection][]) {
          const item = items.get(id);
          // An item keeps its first tick; only a timed commitment may upgrade an untimed one.
          if (!item || item.status === 'done' || (status === 'partial' && item.status === 'partial')) continue;
          const opening = index < config.greetingWithinAgentTurns;
          if (id === 'greeting' && !opening) continue;
          // "Thank you for calling" opens as often as it closes: an opening turn that greets is not the closing.
          if (id === 'closing' && opening && found.greeting) continue;
          items.set(id, { id, status, turnId: turn.turnId, at: turn.at, evidence });
        }
      });
      const list = [...items.values()];
      const score = list.reduce((sum, i) => sum + (i.status === 'done' ? 1 : i.status === 'partial' ? 0.5 : 0), 0) / list.length;
      return { queue, items: list, score: Number(score.toFixed(3)) };
    },
  };
}

/** Items the agent has still to do fully; the closing is left out, since a wrapping-up agent is about to close anyway. */
export function outstandingItems(checklist: Checklist): ChecklistItem[] {
  return checklist.items.filter((i) => i.status !== 'done' && i.id !== 'closing');
}
