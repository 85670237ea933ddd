import { z } from 'zod';

/** The largest turn Rapport accepts; a real utterance or chat message is far shorter. */
export const MAX_TEXT_CHARS = 5_000;
export const MAX_BATCH = 500;

export const IdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\w.:@-]+$/u, 'may contain only letters, digits and . _ : @ -');

const id = IdSchema;

/** Format characters (zero-width spaces and joiners, BOMs, direction marks) show nothing on a screen. */
const INVISIBLE = /[\p{Cf}\p{White_Space}]/gu;

/** Text a person wrote: at most `max` characters, and something visible among them. */
export const visibleText = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .refine((t) => t.replace(INVISIBLE, '').length > 0, 'must not be empty or only invisible characters');

/** Times before this are typos or zeroes, not contact-center history. */
const EARLIEST_AT = Date.UTC(2000, 0, 1);
const afterEarliest = (ms: number) => ms >= EARLIEST_AT;
const EARLIEST_MESSAGE = 'must not be before 2000-01-01';

const timestamp = z.union([
  z.number().int().refine(afterEarliest, EARLIEST_MESSAGE),
  z.iso
    .datetime({ offset: true, error: 'must be epoch milliseconds or an ISO 8601 date-time' })
    .pipe(z.string().refine((s) => afterEarliest(Date.parse(s)), EARLIEST_MESSAGE)),
], { error: 'must be epoch milliseconds or an ISO 8601 date-time' });

/** A validated timestamp as epoch milliseconds. */
export function epochMs(t: number | string): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** One canonical turn, as sent by a chat platform or a speech-to-text stream. */
export const TurnInputSchema = z
  .strictObject({
    conversationId: id,
    turnId: id.optional(),
    speaker: z.enum(['customer', 'agent'], { error: 'must be "customer" or "agent"' }),
    text: visibleText(MAX_TEXT_CHARS),
    channel: z.enum(['chat', 'voice'], { error: 'must be "chat" or "voice"' }).default('chat'),
    final: z.boolean({ error: 'must be true or false' }).default(true),
    at: timestamp.optional(),
    /** When the utterance ended (voice); a chat message is an instant at `at`. */
    endAt: timestamp.optional(),
    agentId: id.optional(),
    customerId: id.optional(),
    queue: id.optional(),
    lang: z.string().max(16).optional(),
  })
  .refine((t) => t.endAt === undefined || (t.at !== undefined && epochMs(t.endAt) >= epochMs(t.at)), {
    message: 'needs at, and must not be before it',
    path: ['endAt'],
  });
export type TurnInput = z.infer<typeof TurnInputSchema>;

export const EndInputSchema = z.strictObject({ conversationId: id, at: timestamp.optional() });
