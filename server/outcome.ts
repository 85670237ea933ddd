import type { AlertChange } from './domain/alert.ts';
import type { Conversation } from './domain/conversation.ts';
import type { Prompt } from './domain/prompt.ts';
import type { Checklist } from './domain/quality.ts';
import type { ScoredTurn, Turn } from './domain/turn.ts';

/**
 * What the pipeline and the commands hand on once a change is stored: one typed outcome per change,
 * in the conversation's order. Every consumer (the socket rooms, metrics, webhooks, summary files,
 * the deadline and rule tickers) is a `Publisher`, and the composition root lists them in one place.
 */
export type Outcome =
  /**
   * A final turn through the stages: `prompts` are its new prompts, `expired` the earlier ones it made
   * stale (as changed); `again` when it is a redelivered turn's events sent once more.
   */
  | { kind: 'turn'; conversation: Conversation; turn: ScoredTurn; acceptedAt: number; alerts: AlertChange[]; prompts: Prompt[]; expired: Prompt[]; checklist?: Checklist; again: boolean }
  /** A partial speech-to-text segment, shown live and never stored as a turn. */
  | { kind: 'partial'; conversation: Conversation; turn: Turn }
  /**
   * Alerts changed by a command (acknowledge, assign), by an overdue deadline or by a timed rule on a
   * clock tick; `assignedBy` names who handed them over, `prompts` are the timed findings' prompts.
   */
  | { kind: 'alerts'; conversation: Conversation; alerts: AlertChange[]; assignedBy?: string; prompts?: Prompt[] }
  /** A supervisor's whisper to the agent. */
  | { kind: 'whisper'; conversation: Conversation; prompt: Prompt }
  /** The conversation ended; `expired` are the suggestions still open until then, now expired. */
  | { kind: 'ended'; conversation: Conversation; expired: Prompt[] }
  | { kind: 'failed'; conversationId: string; error: Error };

export interface Publisher {
  publish(outcome: Outcome): void;
}

/** The publishers, each given every outcome in the order listed. */
export function publishTo(...publishers: readonly (Publisher | undefined)[]): Publisher {
  const all = publishers.filter((p): p is Publisher => p !== undefined);
  return { publish: (outcome) => all.forEach((p) => p.publish(outcome)) };
}
