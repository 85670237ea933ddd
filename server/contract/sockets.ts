/**
 * The socket half of the wire contract, typed the way socket.io types it. Both sides import these
 * maps, so a renamed event or a changed payload fails to compile instead of failing silently.
 */
import type { Alert } from '../domain/alert.ts';
import type { ConversationSummary, ConversationView } from '../domain/conversation.ts';
import type { Prompt, PromptFeedback } from '../domain/prompt.ts';
import type { ScoredTurn, Speaker } from '../domain/turn.ts';
import type { Checklist } from '../domain/quality.ts';

/**
 * Why something was refused: the codes every HTTP error body and every socket ack share. `invalid`
 * carries the fields at fault; `saturated`, `unavailable` and `rate_limited` are worth a retry after
 * `retryAfterS`; `ended` and `unknown` are ingest's (the conversation ended, no such conversation).
 */
export type RefusalCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'ended'
  | 'unknown'
  | 'saturated'
  | 'unavailable'
  | 'rate_limited'
  | 'internal';

export interface FieldError {
  field: string;
  message: string;
}

/** The one refusal shape, for HTTP (with the status that goes with `code`) and socket acks alike. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** For a person: what went wrong and what to do, in a sentence the screens show as it is. */
  message: string;
  errors?: FieldError[];
  retryAfterS?: number;
}

export type Ack<T = undefined> = (reply: { ok: true; data?: T } | Refusal) => void;

export interface TurnEvent {
  conversationId: string;
  turn: ScoredTurn;
}

export interface PartialEvent {
  conversationId: string;
  speaker: Speaker;
  text: string;
}

/** The agent's service checklist after an agent turn changed it. */
export interface ChecklistEvent {
  conversationId: string;
  checklist: Checklist;
}

/** /agent: an agent's own conversations only. */
export interface AgentServerToClient {
  snapshot: (conversations: ConversationView[]) => void;
  'conversation:update': (conversation: ConversationSummary) => void;
  turn: (e: TurnEvent) => void;
  partial: (e: PartialEvent) => void;
  prompt: (prompt: Prompt) => void;
  alert: (alert: Alert) => void;
  'alert:update': (alert: Alert) => void;
  checklist: (e: ChecklistEvent) => void;
}

export interface AgentClientToServer {
  'prompt:feedback': (e: { conversationId: string; promptId: string; feedback: PromptFeedback }, ack: Ack) => void;
}

/** A supervisor signed in to the wall now. */
export interface OnlineSupervisor {
  id: string;
  name: string;
}

/** /supervisor: the wall of every live conversation. */
export interface SupervisorServerToClient {
  wall: (tiles: ConversationSummary[]) => void;
  /** Who is on the wall now, sent on every arrival and departure: the people an alert can be assigned to. */
  supervisors: (online: OnlineSupervisor[]) => void;
  /** To the assignee only: an alert was handed to them. */
  'alert:assigned': (e: { alert: Alert; by: string }) => void;
  'conversation:update': (tile: ConversationSummary) => void;
  alert: (alert: Alert) => void;
  'alert:update': (alert: Alert) => void;
  /** Only for conversations the supervisor is watching (the detail drawer). */
  turn: (e: TurnEvent) => void;
  partial: (e: PartialEvent) => void;
  prompt: (prompt: Prompt) => void;
  checklist: (e: ChecklistEvent) => void;
}

export interface SupervisorClientToServer {
  'alert:ack': (e: { alertId: string }, ack: Ack<Alert>) => void;
  /** Hands an alert to a supervisor on the wall now (often oneself), by their id. */
  'alert:assign': (e: { alertId: string; to: string }, ack: Ack<Alert>) => void;
  whisper: (e: { conversationId: string; text: string }, ack: Ack<Prompt>) => void;
  watch: (e: { conversationId: string }, ack: Ack<ConversationView>) => void;
  unwatch: (e: { conversationId: string }) => void;
}

/** /ingest: turns in from a chat platform or speech-to-text bridge. */
export type IngestResultReply = { ok: true; turnId?: string; conversationId?: string; duplicate?: boolean; endedAt?: number } | Refusal;

export interface IngestClientToServer {
  turn: (turn: unknown, ack: (reply: IngestResultReply) => void) => void;
  'conversation:end': (e: unknown, ack: (reply: IngestResultReply) => void) => void;
}

export type NoEvents = Record<string, never>;
