import { z } from 'zod';
import type { Channel } from '../../domain/turn.ts';
import { CONTACT_LENS_ROLES } from './contact-lens-realtime.ts';
import { FormatError, jsonValues, languageOf, parseWith, type Transcript, type TranscriptFormat } from './transcript.ts';

const PostCall = z.looseObject({
  Channel: z.enum(['VOICE', 'CHAT']).optional(),
  LanguageCode: z.string().optional(),
  CustomerMetadata: z.looseObject({ ContactId: z.string().min(1).optional() }).optional(),
  Participants: z.array(z.object({ ParticipantId: z.string().min(1), ParticipantRole: z.string().min(1) })).min(1),
  Transcript: z.array(
    z.object({ Id: z.string().min(1), ParticipantId: z.string().min(1), Content: z.string(), BeginOffsetMillis: z.number().int().nonnegative(), EndOffsetMillis: z.number().int().nonnegative().optional() }),
  ),
});

/**
 * An Amazon Contact Lens post-call analysis output file (the JSON Contact Lens writes to S3): speakers
 * by ParticipantId, resolved to roles through the Participants list.
 */
function parse(input: unknown): Transcript {
  const values = jsonValues(input, 'contact-lens-post-call');
  if (values.length !== 1) throw new FormatError('contact-lens-post-call', '(document)', `holds ${values.length} JSON values; a post-call file holds one`);
  const doc = parseWith(PostCall, values[0]!.value, 'contact-lens-post-call', values[0]!.where);
  const roles = new Map(doc.Participants.map((p) => [p.ParticipantId, p.ParticipantRole]));
  const channel: Channel = doc.Channel === 'CHAT' ? 'chat' : 'voice';
  const lang = languageOf(doc.LanguageCode);
  const turns = doc.Transcript.flatMap((t, i) => {
    const role = roles.get(t.ParticipantId);
    if (role === undefined) throw new FormatError('contact-lens-post-call', `Transcript.${i}.ParticipantId`, `"${t.ParticipantId}" is not in Participants`);
    const speaker = CONTACT_LENS_ROLES[role];
    if (!speaker || t.Content.trim() === '') return [];
    return [{ conversationId: doc.CustomerMetadata?.ContactId, turnId: t.Id, speaker, text: t.Content, offsetMs: t.BeginOffsetMillis, durationMs: t.EndOffsetMillis === undefined ? undefined : Math.max(0, t.EndOffsetMillis - t.BeginOffsetMillis), final: true, channel, lang }];
  });
  return { format: 'contact-lens-post-call', turns, ended: true };
}

export const contactLensPostCall: TranscriptFormat = {
  name: 'contact-lens-post-call',
  detect: { content: (head) => /"Participants"\s*:/u.test(head) && /"Transcript"\s*:\s*\[/u.test(head) },
  parse,
};
