import type { Alert, AlertChange } from '../domain/alert.ts';
import type { Conversation } from '../domain/conversation.ts';
import type { Prompt } from '../domain/prompt.ts';
import type { Checklist } from '../domain/quality.ts';
import type { Score, ScoredTurn, Turn } from '../domain/turn.ts';
import type { IntentGuess } from '../domain/contact-reason.ts';
import type { Finding } from '../rules/index.ts';

/**
 * The steps after scoring, as stages: each declares what it reads from the turn's state and what it
 * adds to it, and `stepTurn` runs them in their registered order. Stages are pure: the clock and ids
 * come in through `StageEnv`, and anything needing I/O is looked up before and passed in `input`.
 */

/** What a turn brings to the stages: the turn, its score, and what the pipeline looked up for it. */
export interface TurnInput {
  turn: Turn;
  score: Score;
  /** This customer's earlier conversations in the repeat-contact window; undefined when already known or not looked up. */
  priorContacts?: number;
  /** The intent model's guess at the contact reason, while it is open; undefined without a model. */
  intent?: IntentGuess;
}

/** The state stages read and add to. `conversation` is always the conversation as changed so far. */
export interface TurnState {
  input: TurnInput;
  conversation: Conversation;
  /** The turn as scored and smoothed. */
  turn: ScoredTurn;
  /** Rule findings that opened or escalated an alert: these drive guidance. */
  findings: readonly Finding[];
  /** Alerts this turn opened, escalated or resolved. */
  alerts: readonly Alert[];
  /** Prompts this turn made for the agent. */
  prompts: readonly Prompt[];
  /** Earlier open suggestions this turn made stale, as their expired copies. */
  expired: readonly Prompt[];
  /** The agent's checklist when this turn changed it. */
  checklistUpdate: Checklist | undefined;
}

export type StateKey = keyof TurnState;
/** What stepTurn starts from (prompts start empty: several stages add to them); every other key is added by a stage. */
const GIVEN: readonly StateKey[] = ['input', 'conversation', 'prompts'];

export interface StageEnv {
  now: number;
  newId: () => string;
}

export interface TurnStage<R extends StateKey = StateKey, A extends StateKey = StateKey> {
  name: string;
  reads: readonly R[];
  adds: readonly A[];
  run(state: Pick<TurnState, R>, env: StageEnv): Pick<TurnState, A>;
}

/**
 * A stage with its reads and adds checked by the compiler; the registered list holds them as plain
 * `TurnStage`s (the one widening, safe because `checkOrder` proves every read was added before).
 */
export function defineStage<R extends StateKey, A extends StateKey>(stage: TurnStage<R, A>): TurnStage {
  return stage as unknown as TurnStage;
}

/** Throws when a stage reads what neither the input nor an earlier stage adds. */
export function checkOrder(stages: readonly TurnStage[]): void {
  const available = new Set<StateKey>(GIVEN);
  for (const stage of stages) {
    const missing = stage.reads.filter((key) => !available.has(key));
    if (missing.length > 0) throw new Error(`stage ${stage.name} reads ${missing.join(', ')}, which no earlier stage adds`);
    for (const key of stage.adds) available.add(key);
  }
  if (!available.has('turn')) throw new Error('no stage adds the scored turn');
}

/** What one turn did to its conversation, for the pipeline to store and publish. */
export interface TurnStep {
  conversation: Conversation;
  turn: ScoredTurn;
  alerts: AlertChange[];
  prompts: Prompt[];
  /** Earlier prompts this turn expired, as changed. */
  expired: Prompt[];
  checklist?: Checklist;
}

/** Runs the stages in order over one scored turn. Pure: the same conversation, input and env give the same step. */
export function stepTurn(stages: readonly TurnStage[], conversation: Conversation, input: TurnInput, env: StageEnv): TurnStep {
  let state: Partial<TurnState> = { input, conversation, prompts: [] };
  for (const stage of stages) state = { ...state, ...stage.run(state as TurnState, env) };
  const known = new Set(conversation.alerts.map((a) => a.id));
  return {
    conversation: state.conversation!,
    turn: state.turn!,
    alerts: (state.alerts ?? []).map((alert) => ({ alert, change: known.has(alert.id) ? 'updated' : 'opened' })),
    prompts: [...state.prompts!],
    expired: [...(state.expired ?? [])],
    checklist: state.checklistUpdate,
  };
}
