import { randomBytes, randomUUID } from 'node:crypto';
import { redactId, redactText } from '../domain/pii.ts';
import type { Turn } from '../domain/turn.ts';
import type { Commands } from '../commands.ts';
import { ConversationEndedError, type AcceptResult, type Pipeline } from '../pipeline.ts';
import { SaturatedError } from '../scoring/index.ts';
import { invalid, invalidInput, refusal } from '../api/refusal.ts';
import type { Refusal, RefusalCode } from '../contract/index.ts';
import { EndInputSchema, epochMs, TurnInputSchema, type TurnInput } from './schema.ts';

export type { Refusal } from '../contract/index.ts';

/**
 * Why a turn was refused: bad input, a conversation already ended, no such conversation, or (retry
 * later, with the same turnId) scoring saturated or the store unavailable.
 */
export type IngestResult = ({ ok: true } & AcceptResult) | Refusal;
export type EndResult = { ok: true; conversationId: string; endedAt?: number } | Refusal;

/**
 * Canonical turn from validated input: ids and time filled in, PII redacted before anything else sees
 * it (text redacted, ids that carry PII replaced by pseudonyms keyed with `idKey`).
 */
export function toTurn(input: TurnInput, now: number, idKey: string): Turn {
  const id = (value: string | undefined) => (value === undefined ? undefined : redactId(value, idKey));
  return {
    conversationId: redactId(input.conversationId, idKey),
    turnId: id(input.turnId) ?? randomUUID(),
    speaker: input.speaker,
    text: redactText(input.text.trim()),
    channel: input.channel,
    final: input.final,
    at: input.at === undefined ? now : epochMs(input.at),
    endAt: input.endAt === undefined ? undefined : epochMs(input.endAt),
    agentId: input.agentId,
    customerId: id(input.customerId),
    queue: id(input.queue),
    lang: id(input.lang),
  };
}

function rejection(code: RefusalCode, field: string, message: string): Refusal {
  return refusal(code, message, [{ field, message }], code === 'saturated' || code === 'unavailable' ? RETRY_AFTER_S : undefined);
}

const MAX_AHEAD_MS = 24 * 3_600_000;

/** What a sender is told to wait before resending a turn that could not be taken now. */
const RETRY_AFTER_S = 2;

/** The single door every adapter (HTTP, socket, file formats) ends in: validate, redact, accept. */
export class Ingest {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly commands: Commands,
    private readonly clock: () => number,
    private readonly onResult: (result: IngestResult) => void = () => {},
    /** Keys the pseudonyms of ids that carry PII; every process sharing a store must use the same. */
    private readonly idKey: string = randomBytes(32).toString('hex'),
  ) {}

  async turn(raw: unknown): Promise<IngestResult> {
    const result = await this.accept(raw);
    this.onResult(result);
    return result;
  }

  async end(raw: unknown): Promise<EndResult> {
    const parsed = EndInputSchema.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error, '(turn)');
    try {
      const conversationId = redactId(parsed.data.conversationId, this.idKey);
      const ended = await this.commands.end(conversationId);
      if (!ended) return rejection('unknown', 'conversationId', `no conversation ${conversationId}`);
      return { ok: true, conversationId: ended.id, endedAt: ended.endedAt };
    } catch (error) {
      return rejection('unavailable', 'conversationId', `the conversation could not be ended: ${(error as Error).message}; retry`);
    }
  }

  private async accept(raw: unknown): Promise<IngestResult> {
    const parsed = TurnInputSchema.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error, '(turn)');
    const now = this.clock();
    const turn = toTurn(parsed.data, now, this.idKey);
    // Clocks drift and time zones get mixed up, but a turn a day ahead of this server is an error. So
    // is one that ends a day ahead: it would talk over every later turn and keep the call from ever falling silent.
    const ahead = (['at', 'endAt'] as const).filter((field) => (turn[field] ?? 0) > now + MAX_AHEAD_MS);
    if (ahead.length > 0) return invalid(ahead.map((field) => ({ field, message: `must not be more than a day ahead of the server's clock (${new Date(now).toISOString()})` })));
    try {
      return { ok: true, ...(await this.pipeline.accept(turn)) };
    } catch (error) {
      if (error instanceof ConversationEndedError) return rejection('ended', 'conversationId', error.message);
      if (error instanceof SaturatedError) return rejection('saturated', '(turn)', error.message);
      // Anything else (the store failing) is the sender's cue to retry; a repeated turnId is harmless.
      return rejection('unavailable', '(turn)', `the turn could not be stored (${(error as Error).message}); retry with the same turnId`);
    }
  }
}
