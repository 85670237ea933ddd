/**
 * Why an alert, a prompt or a complaint grade fired, and the names of rules, prompt sources and QA
 * criteria, worded in the screen's language from the codes the server sends. Anything without a
 * known code falls back to the server's English text.
 */
import type { Alert } from '../../../server/contract/index.ts';
import type { Prompt } from '../../../server/contract/index.ts';
import type { Reason } from '../../../server/contract/index.ts';
import { emotionName, formatList, formatNumber, has, spokenDuration, t } from './i18n.svelte.ts';

const mood = (x: unknown) => formatNumber(Number(x), { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
const triggers = (list: unknown) =>
  formatList(
    String(list ?? '')
      .split(',')
      .filter(Boolean)
      .map((tr) => (has(`trigger.${tr}`) ? t(`trigger.${tr}` as 'trigger.legal') : tr)),
  );

/** The parameters a message needs, worded: moods signed with two decimals, triggers and emotions named. */
function wordParams(r: Reason): Record<string, string | number> {
  const p = r.params ?? {};
  const out: Record<string, string | number> = { ...p };
  for (const k of ['mood', 'from', 'to'] as const) if (k in p) out[k] = mood(p[k]);
  if ('triggers' in p) out.what = triggers(p.triggers);
  if ('emotion' in p) out.emotion = emotionName(String(p.emotion));
  if ('item' in p) out.item = t(`checklist.${p.item}` as 'checklist.greeting');
  if ('minutes' in p) out.minutes = formatNumber(Number(p.minutes), { maximumFractionDigits: 1 });
  // A customer may wait many minutes: "10 min 41 s" reads, "641 s" has to be worked out.
  if ('seconds' in p) out.duration = spokenDuration(Number(p.seconds) * 1000);
  // The server words a contact reason in the conversation's language; the screen's language needs its id.
  if ('reasonId' in p) out.reason = contactReasonName({ id: String(p.reasonId), label: String(p.reason) });
  return out;
}

/** One reason in words, or undefined when its code is unknown to this client. */
export function reasonText(r: Reason | undefined): string | undefined {
  if (!r) return undefined;
  const key = `reason.${r.code}`;
  if (!has(key)) return undefined;
  const text = t(key, wordParams(r));
  return r.points ? t('reason.points', { reason: text, points: r.points }) : text;
}

export function alertReason(alert: Alert): string {
  return reasonText(alert.reasonCode) ?? alert.reason;
}

export function promptWhy(prompt: Prompt): string {
  return reasonText(prompt.whyCode) ?? prompt.why;
}

export function ruleName(rule: string): string {
  return has(`rule.${rule}`) ? t(`rule.${rule}` as 'rule.sharp-drop') : rule;
}

/** A prompt source: a playbook entry, `checklist:<item>`, or `whisper`. */
export function sourceName(source: string): string {
  if (source.startsWith('checklist:')) return t('source.checklist', { item: t(`checklist.${source.slice(10)}` as 'checklist.greeting') });
  return has(`source.${source}`) ? t(`source.${source}` as 'source.whisper') : source;
}

/** A contact reason: the client's words for the shipped keyword reasons and intent labels, else the label the server gives. */
export function contactReasonName(reason: { id: string; label: string }): string {
  return has(`contact.${reason.id}`) ? t(`contact.${reason.id}` as 'contact.billing') : reason.label;
}

/** A scorecard criterion: the client's words for the shipped ids, else the label configured for it. */
export function criterionName(id: string, label: string): string {
  return has(`criterion.${id}`) ? t(`criterion.${id}` as 'criterion.greeting') : label;
}
