import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inferRoles, OTHER_ROLE, type RoleInference } from '../roles.ts';
import { epochMs, type TurnInput } from '../schema.ts';
import * as contactLensPostCall from './contact-lens-post-call.ts';
import * as contactLensRealtime from './contact-lens-realtime.ts';
import { parse as parseCsv, type CsvMapping } from './csv.ts';
import * as genesys from './genesys.ts';
import * as jsonl from './jsonl.ts';
import * as srt from './srt.ts';
import { FORMATS, FormatError, type FormatName, type SourceTurn, type Transcript } from './transcript.ts';
import * as webvtt from './webvtt.ts';

export { FORMATS, FormatError, type FormatName, type Transcript } from './transcript.ts';
export { CsvMappingSchema, type CsvMapping } from './csv.ts';

export interface ParseOptions {
  csvMapping?: CsvMapping;
}

/** Any supported format, by name: text formats take the text, JSON formats the text or the parsed JSON. */
export function parseTranscript(format: FormatName, input: unknown, o: ParseOptions = {}): Transcript {
  const text = () => {
    if (typeof input !== 'string') throw new FormatError(format, '(document)', 'is a text format: send it as text, not JSON');
    return input;
  };
  switch (format) {
    case 'contact-lens-realtime':
      return contactLensRealtime.parse(input);
    case 'contact-lens-post-call':
      return contactLensPostCall.parse(input);
    case 'genesys':
      return genesys.parse(input);
    case 'webvtt':
      return webvtt.parse(text());
    case 'srt':
      return srt.parse(text());
    case 'jsonl':
      return jsonl.parse(text());
    case 'csv':
      return parseCsv(text(), o.csvMapping);
  }
}

const BY_EXTENSION: Record<string, FormatName> = { '.vtt': 'webvtt', '.srt': 'srt', '.csv': 'csv' };

/** The format of a file, by extension, or for JSON by the fields it has. */
export function detectFormat(fileName: string, text: string): FormatName {
  const byExtension = BY_EXTENSION[path.extname(fileName).toLowerCase()];
  if (byExtension) return byExtension;
  const head = text.replace(/^\uFEFF/u, '').trimStart();
  if (head.startsWith('WEBVTT')) return 'webvtt';
  if (/"Participants"\s*:/u.test(head) && /"Transcript"\s*:\s*\[/u.test(head)) return 'contact-lens-post-call';
  if (/"Segments"\s*:/u.test(head)) return 'contact-lens-realtime';
  if (/"transcripts"\s*:/u.test(head) || /"eventBody"\s*:/u.test(head)) return 'genesys';
  if (/"conversationId"\s*:/u.test(head) && /"speaker"\s*:/u.test(head)) return 'jsonl';
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
  const byConversation = new Map<string, SourceTurn[]>();
  for (const t of transcript.turns) {
    const id = t.conversationId ?? o.conversationId;
    if (id === undefined) throw new FormatError(transcript.format, 'conversationId', 'the transcript names no conversation: give one');
    byConversation.set(id, [...(byConversation.get(id) ?? []), t]);
  }
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
