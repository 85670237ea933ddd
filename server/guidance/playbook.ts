import { z } from 'zod';
import type { Conversation } from '../domain/conversation.ts';
import type { Reason } from '../domain/quality.ts';
import { makePrompt, type Prompt } from '../domain/prompt.ts';
import type { ScoredTurn } from '../domain/turn.ts';
import type { Finding } from '../rules/index.ts';
import type { PromptSource } from './source.ts';

const text = z.object({ en: z.string().min(1), zh: z.string().min(1) });

export const PlaybookSchema = z.object({
  cooldownSeconds: z.number().min(0),
  entries: z
    .array(
      z.object({
        id: z.string().min(1),
        on: z.array(z.string().min(1)).min(1),
        kind: z.enum(['empathy', 'de-escalation', 'next-step', 'clarify']),
        text,
      }),
    )
    .min(1),
});
export type Playbook = z.infer<typeof PlaybookSchema>;

/** Why a trigger fired, in the agent's words. */
interface Trigger {
  key: string;
  why: string;
  code: Reason;
}

/** Emotions below this confidence do not prompt on their own. */
const EMOTION_MIN_CONFIDENCE = 0.5;

function triggersOf(turn: ScoredTurn, fresh: readonly Finding[]): Trigger[] {
  const triggers = fresh.map((f) => ({ key: f.trigger, why: f.reason, code: f.code }));
  const emotion = turn.score.emotion;
  if (turn.speaker === 'customer' && !turn.score.lowConfidence && emotion && emotion.confidence >= EMOTION_MIN_CONFIDENCE) {
    const sure = Math.round(emotion.confidence * 100);
    triggers.push({ key: `emotion:${emotion.label}`, why: `Detected emotion: ${emotion.label} (${sure}% sure).`, code: { code: 'prompt.emotion', params: { emotion: emotion.label, sure } } });
  }
  return triggers;
}

/**
 * The playbook's prompts for a scored turn: at most one per entry, none from an entry that already
 * fired in this conversation within the cooldown. Pure: the caller supplies the clock and ids.
 */
function suggestPrompts(
  playbook: Playbook,
  conversation: Conversation,
  turn: ScoredTurn,
  fresh: readonly Finding[],
  now: number,
  newId: () => string,
): Prompt[] {
  return promptsFor(playbook, conversation, triggersOf(turn, fresh), now, newId, turn.turnId);
}

/** The playbook's prompts for findings that come from the clock (the timed rules) or from analytics rather than a turn's rules. */
export function promptsForFindings(playbook: Playbook, conversation: Conversation, fresh: readonly Finding[], now: number, newId: () => string): Prompt[] {
  return promptsFor(playbook, conversation, fresh.map((f) => ({ key: f.trigger, why: f.reason, code: f.code })), now, newId, fresh[0]?.evidence.at(-1));
}

function promptsFor(playbook: Playbook, conversation: Conversation, triggers: readonly Trigger[], now: number, newId: () => string, turnId: string | undefined): Prompt[] {
  const cooldownMs = playbook.cooldownSeconds * 1000;
  const lang = conversation.lang === 'zh' ? 'zh' : 'en';
  const prompts: Prompt[] = [];
  for (const trigger of triggers) {
    for (const entry of playbook.entries) {
      if (!entry.on.includes(trigger.key)) continue;
      const recent = [...conversation.prompts, ...prompts].some((p) => p.source === entry.id && now - p.at < cooldownMs);
      if (recent) continue;
      prompts.push(makePrompt(conversation, { source: entry.id, kind: entry.kind, text: entry.text[lang], why: trigger.why, whyCode: trigger.code, turnId }, now, newId()));
    }
  }
  return prompts;
}

/** The playbook as a prompt source. */
export function playbookPrompts(playbook: Playbook): PromptSource {
  return { name: 'playbook', prompts: ({ conversation, turn, findings }, { now, newId }) => suggestPrompts(playbook, conversation, turn, findings, now, newId) };
}
