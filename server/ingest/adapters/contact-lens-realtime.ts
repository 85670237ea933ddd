import { z } from 'zod';
import type { Speaker } from '../../domain/turn.ts';
import { jsonValues, parseWith, type SourceTurn, type Transcript, type TranscriptFormat } from './transcript.ts';

/** Contact Lens participant roles; SYSTEM and others (bots, IVR prompts) carry no customer mood and are skipped. */
export const CONTACT_LENS_ROLES: Record<string, Speaker> = { AGENT: 'agent', CUSTOMER: 'customer' };

const offsets = { BeginOffsetMillis: z.number().int().nonnegative(), EndOffsetMillis: z.number().int().nonnegative() };

const TranscriptSegment = z.object({
  Id: z.string().min(1),
  ParticipantRole: z.string().min(1),
  Content: z.string(),
  ...offsets,
});

/** A partial: the words so far of an utterance still being spoken (later replaced by its Transcript). */
const UtteranceSegment = z
  .object({ Id: z.string().min(1), ParticipantRole: z.string().min(1), PartialContent: z.string().optional(), Content: z.string().optional(), ...offsets })
  .refine((u) => u.PartialContent !== undefined || u.Content !== undefined, { message: 'needs PartialContent or Content', path: ['PartialContent'] });

const Segment = z.looseObject({ Transcript: TranscriptSegment.optional(), Utterance: UtteranceSegment.optional() });

/** One event of the Contact Lens real-time Kinesis stream, or a ListRealtimeContactAnalysisSegments reply (no ContactId). */
const Event = z.looseObject({
  ContactId: z.string().min(1).optional(),
  EventType: z.string().optional(),
  Segments: z.array(Segment).default([]),
});

/**
 * Amazon Contact Lens real-time analysis: one event, an array of events, or JSON Lines of events.
 * `Transcript` segments are final turns, `Utterance` segments partial ones; EventType COMPLETED ends the contact.
 */
function parse(input: unknown): Transcript {
  const turns: SourceTurn[] = [];
  let ended = false;
  for (const { value, where } of jsonValues(input, 'contact-lens-realtime')) {
    const event = parseWith(Event, value, 'contact-lens-realtime', where);
    if (event.EventType === 'COMPLETED') ended = true;
    for (const segment of event.Segments) {
      const final = segment.Transcript;
      const partial = segment.Utterance;
      const s = final ?? partial;
      const speaker = s && CONTACT_LENS_ROLES[s.ParticipantRole];
      if (!s || !speaker) continue;
      const text = final ? final.Content : (partial!.PartialContent ?? partial!.Content!);
      if (text.trim() === '') continue;
      turns.push({ conversationId: event.ContactId, turnId: s.Id, speaker, text, offsetMs: s.BeginOffsetMillis, durationMs: Math.max(0, s.EndOffsetMillis - s.BeginOffsetMillis), final: final !== undefined, channel: 'voice' });
    }
  }
  return { format: 'contact-lens-realtime', turns, ended };
}

export const contactLensRealtime: TranscriptFormat = {
  name: 'contact-lens-realtime',
  detect: { content: (head) => /"Segments"\s*:/u.test(head) },
  parse,
};
