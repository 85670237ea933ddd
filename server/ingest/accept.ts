import { randomUUID } from 'node:crypto';
import { redactPii } from '../domain/pii.ts';
import type { Turn } from '../domain/turn.ts';
import { ConversationEndedError, type AcceptResult, type Pipeline } from '../pipeline.ts';
import { SaturatedError } from '../scoring/index.ts';
import { describe, EndInputSchema, epochMs, TurnInputSchema, type Rejection, type TurnInput } from './schema.ts';

/**
 * Why a turn was refused: bad input, a conversation already ended, no such conversation, or (retry
 * later, with the same turnId) scoring saturated or the store unavailable.
 */
export type RejectionCode = 'invalid' | 'ended' | 'unknown' | 'saturated' | 'unavailable';
export type Refusal = { ok: false; code: RejectionCode } & Rejection;
export type IngestResult = ({ ok: true } & AcceptResult) | Refusal;
export type EndResult = { ok: true; conversationId: string; endedAt?: number } | Refusal;

/** Canonical turn from validated input: ids and time filled in, PII redacted before anything else sees it. */
export function toTurn(input: TurnInput, now: number): Turn {
  return {
    conversationId: input.conversationId,
    turnId: input.turnId ?? randomUUID(),
    speaker: input.speaker,
    text: redactPii(input.text.trim()).text,
    channel: input.channel,
    final: input.final,
    at: input.at === undefined ? now : epochMs(input.at),
    endAt: input.endAt === undefined ? undefined : epochMs(input.endAt),
    agentId: input.agentId,
    customerId: input.customerId,
    queue: input.queue,
    lang: input.lang,
  };
}

function rejection(code: RejectionCode, field: string, message: string): Refusal {
  return { ok: false, code, errors: [{ field, message }] };
}

/** The single door every adapter (HTTP, socket, file formats) ends in: validate, redact, accept. */
export class Ingest {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly clock: () => number,
    private readonly onResult: (result: IngestResult) => void = () => {},
  ) {}

  async turn(raw: unknown): Promise<IngestResult> {
    const result = await this.accept(raw);
    this.onResult(result);
    return result;
  }

  async end(raw: unknown): Promise<EndResult> {
    const parsed = EndInputSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: 'invalid', errors: describe(parsed.error) };
    try {
      const ended = await this.pipeline.end(parsed.data.conversationId);
      if (!ended) return rejection('unknown', 'conversationId', `no conversation ${parsed.data.conversationId}`);
      return { ok: true, conversationId: ended.id, endedAt: ended.endedAt };
    } catch (error) {
      return rejection('unavailable', 'conversationId', `the conversation could not be ended: ${(error as Error).message}; retry`);
    }
  }

  private async accept(raw: unknown): Promise<IngestResult> {
    const parsed = TurnInputSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: 'invalid', errors: describe(parsed.error) };
    try {
      return { ok: true, ...(await this.pipeline.accept(toTurn(parsed.data, this.clock()))) };
    } catch (error) {
      if (error instanceof ConversationEndedError) return rejection('ended', 'conversationId', error.message);
      if (error instanceof SaturatedError) return rejection('saturated', '(turn)', error.message);
      // Anything else (the store failing) is the sender's cue to retry; a repeated turnId is harmless.
      return rejection('unavailable', '(turn)', `the turn could not be stored: ${(error as Error).message}; retry with the same turnId`);
    }
  }
}
