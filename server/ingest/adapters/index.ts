import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inferRoles, OTHER_ROLE, type RoleInference } from '../roles.ts';
import { epochMs, type TurnInput } from '../schema.ts';
import { contactLensPostCall } from './contact-lens-post-call.ts';
import { contactLensRealtime } from './contact-lens-realtime.ts';
import { csv } from './csv.ts';
import { genesys } from './genesys.ts';
import { jsonl } from './jsonl.ts';
import { srt } from './srt.ts';
import { FormatError, type FormatName, type ParseOptions, type SourceTurn, type Transcript, type TranscriptFormat } from './transcript.ts';
import { webvtt } from './webvtt.ts';
import { groupBy } from '../../lib/index.ts';

export { FormatError, type FormatName, type ParseOptions, type Transcript, type TranscriptFormat } from './transcript.ts';
export { CsvMappingSchema, type CsvMapping } from './csv.ts';

/**
 * The registered formats. Detection tries every format's extensions first, then their content tests
 * in this order. Adding a format: a file beside this one exporting a `TranscriptFormat`, and a line here.
 */
const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = [contactLensPostCall, contactLensRealtime, genesys, webvtt, srt, jsonl, csv];

/** Every format Rapport reads, by name. */
export const FORMATS: readonly FormatName[] = TRANSCRIPT_FORMATS.map((f) => f.name);

/** Any registered format, by name: text formats take the text, JSON formats the text or the parsed JSON. */
export function parseTranscript(format: FormatName, input: unknown, o: ParseOptions = {}): Transcript {
  const found = TRANSCRIPT_FORMATS.find((f) => f.name === format);
  if (!found) throw new FormatError(format, 'format', `unknown format; one of ${FORMATS.join(', ')}`);
  return found.parse(input, o);
}

/** The format of a file, by extension, or by how its text starts. */
export function detectFormat(fileName: string, text: string): FormatName {
  const extension = path.extname(fileName).toLowerCase();
  const byExtension = TRANSCRIPT_FORMATS.find((f) => f.detect.extensions?.includes(extension));
  if (byExtension) return byExtension.name;
  const head = text.replace(/^\uFEFF/u, '').trimStart();
  const byContent = TRANSCRIPT_FORMATS.find((f) => f.detect.content?.(head));
  if (byContent) return byContent.name;
  throw new Error(`${fileName}: cannot tell the format; name one of ${FORMATS.join(', ')}`);
}

export interface RoleReport extends Partial<RoleInference> {
  /** "format": the file says who spoke; "inferred": Rapport guessed from the text. */
  source: 'format' | 'inferred';
  confidence: number;
  swapped: boolean;
}

/** One conversation of a transcript in canonical turns, ready for the ingest door. */
export interface CanonicalConversation {
  conversationId: string;
  turns: TurnInput[];
  roles: RoleReport;
  ended: boolean;
}

export interface CanonicalOptions {
  /** For formats that do not name the conversation (subtitles, post-call files without a ContactId). */
  conversationId?: string;
  /** Epoch ms the recording started, for formats that give offsets only. */
  startAt?: number;
  /** Agent and customer the other way round: one action to correct a wrong inference (or a mislabelled file). */
  swapRoles?: boolean;
}

/**
 * Canonical turns per conversation: roles from the format where it has them, inferred where it does
 * not; offsets turned into times from `startAt`, and durations into `endAt` once the start is known.
 */
export function toCanonical(transcript: Transcript, o: CanonicalOptions = {}): CanonicalConversation[] {
  const byConversation = groupBy(transcript.turns, (t: SourceTurn) => {
    const id = t.conversationId ?? o.conversationId;
    if (id === undefined) throw new FormatError(transcript.format, 'conversationId', 'the transcript names no conversation: give one');
    return id;
  });
  return [...byConversation.entries()].map(([conversationId, turns]) => {
    const fromFormat = turns.every((t) => t.speaker !== undefined);
    const inferred = fromFormat ? undefined : inferRoles(turns);
    const speakers = inferred?.speakers ?? turns.map((t) => t.speaker!);
    const { speakers: _speakers, ...inference } = inferred ?? {};
    return {
      conversationId,
      ended: transcript.ended,
      roles: { source: fromFormat ? 'format' : 'inferred', ...inference, confidence: inferred?.confidence ?? 1, swapped: o.swapRoles === true },
      turns: turns.map((t, i): TurnInput => {
        const speaker = o.swapRoles ? OTHER_ROLE[speakers[i]!] : speakers[i]!;
        const at = t.at ?? (t.offsetMs !== undefined && o.startAt !== undefined ? o.startAt + t.offsetMs : undefined);
        const start = at === undefined ? undefined : epochMs(at);
        return {
          conversationId,
          turnId: t.turnId,
          speaker,
          text: t.text,
          channel: t.channel ?? 'chat',
          final: t.final,
          at,
          endAt: t.endAt ?? (start === undefined || t.durationMs === undefined ? undefined : start + t.durationMs),
          agentId: t.agentId,
          customerId: t.customerId,
          queue: t.queue,
          lang: t.lang,
        };
      }),
    };
  });
}

/** A transcript file in canonical turns; the conversation id defaults to the file's name ("call.vtt"). */
export async function readTranscriptFile(
  file: string,
  o: CanonicalOptions & ParseOptions & { format?: FormatName } = {},
): Promise<{ format: FormatName; conversations: CanonicalConversation[] }> {
  const text = await readFile(file, 'utf8');
  const format = o.format ?? detectFormat(file, text);
  const fallbackId = path.basename(file).replace(/[^\w.:@-]+/gu, '-');
  const conversations = toCanonical(parseTranscript(format, text, o), { conversationId: fallbackId, ...o });
  return { format, conversations };
}
