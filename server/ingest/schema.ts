import { z } from 'zod';

/** The largest turn Rapport accepts; a real utterance or chat message is far shorter. */
export const MAX_TEXT_CHARS = 5_000;
export const MAX_BATCH = 500;

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\w.:@-]+$/u, 'may contain only letters, digits and . _ : @ -');

const timestamp = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true, error: 'must be epoch milliseconds or an ISO 8601 date-time' }),
]);

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
    text: z
      .string({ error: 'must be a string' })
      .max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`)
      .refine((t) => t.trim().length > 0, 'must not be empty'),
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

/** A rejection that names the field and the reason, e.g. "speaker: must be "customer" or "agent"". */
export interface Rejection {
  index?: number;
  errors: { field: string; message: string }[];
}

export function describe(error: z.ZodError): Rejection['errors'] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(turn)', message: i.message }));
}
