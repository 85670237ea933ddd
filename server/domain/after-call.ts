/**
 * The after-call summary: what the agent writes up after a contact, drafted from the transcript
 * itself. Extractive (every line quotes the conversation's own sentences), in the conversation's
 * language, computed on the machine. Pure types and wording; server/analytics/after-call.ts builds it.
 */

export type Outcome = 'RESOLVED' | 'FOLLOW_UP' | 'ESCALATED';
/** Why the outcome, as a code the screens word in their language. */
export type OutcomeReason = 'AGENT_HANDED_ON' | 'MAJOR_COMPLAINT_TO_MANAGER' | 'AGENT_COMMITTED' | 'CUSTOMER_NOT_SATISFIED' | 'CUSTOMER_SATISFIED';
export type MoodLabel = 'NEGATIVE' | 'NEUTRAL' | 'POSITIVE';

export interface AfterCallSummary {
  Language: 'en' | 'zh';
  /** The customer's sentence that states the issue. */
  Issue?: { Text: string; TurnId: string };
  /** What the agent committed to, each with the time given where they gave one. */
  Commitments: { Text: string; TurnId: string; Time?: string }[];
  Outcome: Outcome;
  OutcomeReason: OutcomeReason;
  /** The agent's sentence that handed the contact on, for `AGENT_HANDED_ON`. */
  OutcomeQuote?: string;
  /** The customer's smoothed mood at their first and their last turn. */
  Mood: { Start: MoodLabel; End: MoodLabel } | null;
  /** The lines above as text, ready for the wrap-up form. */
  Text: string;
}

const OUTCOME_WORDS = {
  en: { RESOLVED: 'resolved', FOLLOW_UP: 'follow-up needed', ESCALATED: 'escalated' },
  zh: { RESOLVED: '已解决', FOLLOW_UP: '需跟进', ESCALATED: '已升级' },
} as const;
const REASON_WORDS = {
  en: {
    AGENT_HANDED_ON: 'the agent handed the contact on',
    MAJOR_COMPLAINT_TO_MANAGER: 'a major complaint went to a manager',
    AGENT_COMMITTED: 'the agent committed to a next step',
    CUSTOMER_NOT_SATISFIED: 'the customer did not end satisfied',
    CUSTOMER_SATISFIED: 'the customer ended satisfied and nothing is pending',
  },
  zh: {
    AGENT_HANDED_ON: '坐席已转交',
    MAJOR_COMPLAINT_TO_MANAGER: '重大投诉已转交经理',
    AGENT_COMMITTED: '坐席承诺了后续处理',
    CUSTOMER_NOT_SATISFIED: '客户结束时仍不满意',
    CUSTOMER_SATISFIED: '客户结束时满意，无待办事项',
  },
} as const;
const MOOD_WORDS = {
  en: { NEGATIVE: 'negative', NEUTRAL: 'neutral', POSITIVE: 'positive' },
  zh: { NEGATIVE: '负面', NEUTRAL: '中性', POSITIVE: '正面' },
} as const;

/** Mood in three bands, with the same ±0.2 the recovery figure uses. */
export function moodLabel(valence: number): MoodLabel {
  return valence < -0.2 ? 'NEGATIVE' : valence > 0.2 ? 'POSITIVE' : 'NEUTRAL';
}

/** The summary's lines in its language. */
export function afterCallText(s: Omit<AfterCallSummary, 'Text'>): string {
  const zh = s.Language === 'zh';
  const lines: string[] = [];
  if (s.Issue) lines.push(zh ? `问题：${s.Issue.Text}` : `Issue: ${s.Issue.Text}`);
  for (const c of s.Commitments) {
    const time = c.Time ? (zh ? `（时间：${c.Time}）` : ` (time given: ${c.Time})`) : zh ? '（未给出时间）' : ' (no time given)';
    lines.push(zh ? `坐席承诺：${c.Text}${time}` : `Agent committed: ${c.Text}${time}`);
  }
  const quote = s.OutcomeQuote ? (zh ? `：“${s.OutcomeQuote}”` : `: "${s.OutcomeQuote}"`) : '';
  const because = `${REASON_WORDS[s.Language][s.OutcomeReason]}${quote}`;
  lines.push(zh ? `结果：${OUTCOME_WORDS.zh[s.Outcome]}（${because}）。` : `Outcome: ${OUTCOME_WORDS.en[s.Outcome]} (${because}).`);
  if (s.Mood) {
    const m = MOOD_WORDS[s.Language];
    lines.push(zh ? `情绪：开始${m[s.Mood.Start]}，结束${m[s.Mood.End]}。` : `Mood: ${m[s.Mood.Start]} at the start, ${m[s.Mood.End]} at the end.`);
  }
  return lines.join('\n');
}
