import type { z } from 'zod';
import { fieldErrors } from '../../api/refusal.ts';
import type { Channel, Speaker } from '../../domain/turn.ts';
import type { CsvMapping } from './csv.ts';

/** A registered format's name, as used in endpoints (`/api/ingest/:format`) and on the command line. */
export type FormatName = string;

/** Options some formats take. */
export interface ParseOptions {
  csvMapping?: CsvMapping;
}

/** A transcript format Rapport reads: one file per format, registered in index.ts. */
export interface TranscriptFormat {
  name: FormatName;
  /** How a file of this format is recognised: by its extension, else by how its text starts (BOM and blanks removed). */
  detect: { extensions?: readonly string[]; content?: (head: string) => boolean };
  /** Text formats take a string; JSON formats a string or the parsed JSON. Bad input throws a FormatError. */
  parse(input: unknown, o: ParseOptions): Transcript;
}

/**
 * One utterance as a vendor's format gives it, before roles and times are settled. `speaker` is set
 * where the format says who spoke; otherwise `party` carries the name it uses (a voice tag, a chat
 * author) and roles are inferred from the text (see roles.ts).
 */
export interface SourceTurn {
  conversationId?: string;
  turnId?: string;
  speaker?: Speaker;
  party?: string;
  text: string;
  /** Milliseconds from the start of the recording, for formats that only know offsets. */
  offsetMs?: number;
  /** Absolute time, for formats that know it. */
  at?: number | string;
  /** Absolute end, for formats that know it (canonical JSON Lines). */
  endAt?: number | string;
  /** How long the utterance lasted, for formats that say (cue ends, EndOffsetMillis, durationMs). */
  durationMs?: number;
  final: boolean;
  channel?: Channel;
  agentId?: string;
  customerId?: string;
  queue?: string;
  lang?: string;
}

export interface Transcript {
  format: FormatName;
  turns: SourceTurn[];
  /** The source says the contact is over (Contact Lens COMPLETED, Genesys SESSION_ENDED). */
  ended: boolean;
}

/** A file or payload Rapport cannot read, naming where: "webvtt: line 7: ..." or "genesys: eventBody.transcripts.0.channel: ...". */
export class FormatError extends Error {
  constructor(
    readonly format: FormatName,
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${format}: ${where}: ${detail}`);
    this.name = 'FormatError';
  }
}

/** The input of a text format as text; JSON sent to one is refused. */
export function textOf(input: unknown, format: FormatName): string {
  if (typeof input !== 'string') throw new FormatError(format, '(document)', 'is a text format: send it as text, not JSON');
  return input;
}

/** Validates one JSON value against a vendor schema; the first problem becomes a FormatError naming its field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, format: FormatName, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = fieldErrors(parsed.error, '')[0]!;
  throw new FormatError(format, [where, first.field].filter(Boolean).join(': ') || '(document)', first.message);
}

/**
 * The JSON values of a payload that is one JSON document (an object or an array of them) or JSON
 * Lines, each with where it came from, so errors can name the line or the array index.
 */
export function jsonValues(input: unknown, format: FormatName): { value: unknown; where: string }[] {
  if (typeof input !== 'string') return Array.isArray(input) ? input.map((value, i) => ({ value, where: `[${i}]` })) : [{ value: input, where: '' }];
  const text = input.replace(/^\uFEFF/u, '').trim();
  if (text === '') throw new FormatError(format, '(document)', 'is empty');
  try {
    return jsonValues(JSON.parse(text) as unknown, format);
  } catch (error) {
    if (error instanceof FormatError) throw error;
  }
  return jsonLines(text, format);
}

/** Non-blank lines parsed as JSON, each tagged "line N". */
export function jsonLines(text: string, format: FormatName): { value: unknown; where: string }[] {
  const values: { value: unknown; where: string }[] = [];
  text.split(/\r?\n/u).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    try {
      values.push({ value: JSON.parse(line) as unknown, where });
    } catch (error) {
      throw new FormatError(format, where, `not valid JSON (${(error as Error).message})`);
    }
  });
  if (values.length === 0) throw new FormatError(format, '(document)', 'is empty');
  return values;
}

/** "en-US" -> "en": the languages Rapport's models know, by a vendor's language code. */
export function languageOf(code: string | undefined): string | undefined {
  const base = code?.toLowerCase().split(/[-_]/u)[0];
  return base === 'en' || base === 'zh' ? base : undefined;
}

/*
 * Cue parsing for WebVTT and SRT stays hand-written (blocksOf, cueTiming): it is the small part of
 * those formats Rapport reads (a timing line, an optional id, the text with its voice tags), its
 * errors name the first bad line, and it serves both formats one way. The maintained parsers do not
 * fit: media-captions only parses asynchronously (`parseText` returns a Promise, while every
 * `TranscriptFormat.parse` is synchronous for the HTTP route, the CLI and the tests), and
 * webvtt-parser reads WebVTT only, which would leave SRT to this code anyway.
 */

/** Subtitle blocks (WebVTT, SRT): runs of non-blank lines with the line number of their first line. */
export function blocksOf(text: string): { firstLine: number; lines: string[] }[] {
  const blocks: { firstLine: number; lines: string[] }[] = [];
  let current: { firstLine: number; lines: string[] } | undefined;
  text
    .replace(/^\uFEFF/u, '')
    .split(/\r?\n/u)
    .forEach((line, i) => {
      if (line.trim() === '') current = undefined;
      else if (current) current.lines.push(line);
      else blocks.push((current = { firstLine: i + 1, lines: [line] }));
    });
  return blocks;
}

const TIMECODE = /^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$/u;

/** "01:02:03.456" or "02:03,456" -> milliseconds; undefined when it is not a timecode. */
function timecodeMs(text: string): number | undefined {
  const m = TIMECODE.exec(text.trim());
  if (!m) return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

/** "start --> end [settings]" -> the cue's start and duration in ms; the error says what a cue timing line must look like. */
export function cueTiming(line: string, format: FormatName, lineNumber: number, separator: '.' | ','): { offsetMs: number; durationMs: number } {
  const [start, rest] = line.split('-->');
  const end = rest?.trim().split(/\s+/u)[0];
  const startMs = start === undefined ? undefined : timecodeMs(start);
  const endMs = end === undefined ? undefined : timecodeMs(end);
  const expected = `expected a cue timing like "00:00:01${separator}000 --> 00:00:04${separator}000", got "${line.trim()}"`;
  if (startMs === undefined || endMs === undefined) throw new FormatError(format, `line ${lineNumber}`, expected);
  if (endMs < startMs) throw new FormatError(format, `line ${lineNumber}`, `the cue ends before it starts: "${line.trim()}"`);
  return { offsetMs: startMs, durationMs: endMs - startMs };
}

/** "Agent: hello" -> party "Agent", text "hello": the speaker-prefix convention of plain transcripts. */
export function splitSpeakerPrefix(text: string): { party?: string; text: string } {
  const m = /^\s*\[?([\p{Lu}][\p{L}\d .'_-]{0,30}?)\]?\s*[:：]\s+(.*)$/su.exec(text);
  return m ? { party: m[1]!.trim(), text: m[2]!.trim() } : { text: text.trim() };
}

/**
 * Markup inside subtitle text (<i>, <b>, <c.x>, <font>) removed and the common entities decoded. A tag
 * never spans another "<": a stray "<" is text, and a line of them is read in one pass (with `[^>]*`
 * each "<" scanned to the end of the line, and a 4 MB upload held the server for hours).
 */
export function plainText(text: string): string {
  return text
    .replace(/<[^<>]*>/gu, '')
    .replace(/&nbsp;/gu, ' ')
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&amp;/gu, '&')
    .replace(/\s+/gu, ' ')
    .trim();
}
