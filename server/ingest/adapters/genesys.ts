import { z } from 'zod';
import type { Speaker } from '../../domain/turn.ts';
import { jsonValues, languageOf, parseWith, type SourceTurn, type Transcript, type TranscriptFormat } from './transcript.ts';

/** Genesys channels: INTERNAL is the organisation's side of the call (the agent), EXTERNAL the customer. */
const CHANNELS: Record<string, Speaker> = { INTERNAL: 'agent', EXTERNAL: 'customer' };

const Alternative = z.looseObject({
  transcript: z.string(),
  confidence: z.number().min(0).max(1).optional(),
  offsetMs: z.coerce.number().int().nonnegative(),
  durationMs: z.coerce.number().int().nonnegative().optional(),
});

const Utterance = z.looseObject({
  utteranceId: z.string().min(1),
  isFinal: z.boolean().default(true),
  channel: z.enum(['INTERNAL', 'EXTERNAL'], { error: 'must be "INTERNAL" or "EXTERNAL"' }),
  dialect: z.string().optional(),
  alternatives: z.array(Alternative).min(1, 'needs at least one alternative'),
});

const Body = z.looseObject({
  conversationId: z.string().min(1).optional(),
  sessionStartTimeMs: z.number().int().nonnegative().optional(),
  transcripts: z.array(Utterance).default([]),
  status: z.looseObject({ status: z.string() }).optional(),
});

/** A notification as delivered (topicName + eventBody), or its eventBody alone. */
const Envelope = z.looseObject({ topicName: z.string().optional(), eventBody: z.unknown().optional() });

/**
 * Genesys Cloud transcription notifications (topic v2.conversations.{id}.transcription): one, an
 * array, or JSON Lines. The most confident alternative of each utterance becomes the turn;
 * status SESSION_ENDED ends the conversation.
 */
function parse(input: unknown): Transcript {
  const turns: SourceTurn[] = [];
  let ended = false;
  for (const { value, where } of jsonValues(input, 'genesys')) {
    const envelope = parseWith(Envelope, value, 'genesys', where);
    const wrapped = envelope.eventBody !== undefined;
    const body = parseWith(Body, wrapped ? envelope.eventBody : value, 'genesys', [where, wrapped ? 'eventBody' : ''].filter(Boolean).join(' '));
    const topicId = /^v2\.conversations\.([^.]+)\.transcription$/u.exec(envelope.topicName ?? '')?.[1];
    if (body.status?.status === 'SESSION_ENDED') ended = true;
    for (const u of body.transcripts) {
      const best = u.alternatives.reduce((a, b) => ((b.confidence ?? 0) > (a.confidence ?? 0) ? b : a));
      if (best.transcript.trim() === '') continue;
      turns.push({
        conversationId: body.conversationId ?? topicId,
        turnId: u.utteranceId,
        speaker: CHANNELS[u.channel],
        text: best.transcript,
        ...(body.sessionStartTimeMs === undefined ? { offsetMs: best.offsetMs } : { at: body.sessionStartTimeMs + best.offsetMs }),
        durationMs: best.durationMs,
        final: u.isFinal,
        channel: 'voice',
        lang: languageOf(u.dialect),
      });
    }
  }
  return { format: 'genesys', turns, ended };
}

export const genesys: TranscriptFormat = {
  name: 'genesys',
  detect: { content: (head) => /"transcripts"\s*:/u.test(head) || /"eventBody"\s*:/u.test(head) },
  parse,
};
