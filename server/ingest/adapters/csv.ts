import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { Speaker } from '../../domain/turn.ts';
import { FormatError, textOf, type SourceTurn, type Transcript, type TranscriptFormat } from './transcript.ts';

/**
 * Which CSV column holds what, by header name (case, spaces and hyphens aside: "Chat ID" = "chat_id"). Each field lists the header names
 * tried in order, so one mapping covers the usual chat-tool exports; pass your own to cover yours.
 * The speaker column may hold roles (matched against `agentValues` / `customerValues`) or people's
 * names (then roles are inferred from the text).
 */
export const CsvMappingSchema = z.strictObject({
  conversationId: z.array(z.string()).default(['conversation_id', 'conversationid', 'conversation', 'chat_id', 'session_id', 'ticket_id']),
  turnId: z.array(z.string()).default(['turn_id', 'message_id', 'id']),
  speaker: z.array(z.string()).default(['role', 'sender_type', 'author_type', 'speaker', 'sender', 'author', 'from', 'name']),
  text: z.array(z.string()).default(['text', 'message', 'body', 'content']),
  at: z.array(z.string()).default(['at', 'timestamp', 'time', 'created_at', 'sent_at', 'date']),
  agentId: z.array(z.string()).default(['agent_id', 'agentid', 'agent']),
  customerId: z.array(z.string()).default(['customer_id', 'customerid', 'visitor_id']),
  queue: z.array(z.string()).default(['queue', 'department', 'team']),
  agentValues: z.array(z.string()).default(['agent', 'operator', 'rep', 'representative', 'advisor', 'staff', 'support']),
  customerValues: z.array(z.string()).default(['customer', 'visitor', 'client', 'user', 'caller', 'guest', 'contact']),
});
export type CsvMapping = z.infer<typeof CsvMappingSchema>;
const DEFAULT_CSV_MAPPING: CsvMapping = CsvMappingSchema.parse({});

/**
 * A chat-tool CSV export (RFC 4180, read by csv-parse: quoted fields may hold commas, quotes and newlines), one message
 * per row. `at` may be epoch milliseconds or a date-time; a date-time without a zone is read as UTC.
 */
function parse(text: string, mapping: CsvMapping = DEFAULT_CSV_MAPPING): Transcript {
  const rows = csvRows(text);
  const header = rows[0];
  if (!header) throw new FormatError('csv', '(document)', 'is empty');
  const names = header.cells.map(headerKey);
  const column = (field: keyof CsvMapping, required = false): number | undefined => {
    const candidates = mapping[field].map(headerKey);
    for (const candidate of candidates) {
      const i = names.indexOf(candidate);
      if (i >= 0) return i;
    }
    if (required) throw new FormatError('csv', 'line 1', `no ${field} column: looked for ${mapping[field].map((n) => `"${n}"`).join(', ')}`);
    return undefined;
  };
  const cols = {
    conversationId: column('conversationId'),
    turnId: column('turnId'),
    speaker: column('speaker', true)!,
    text: column('text', true)!,
    at: column('at'),
    agentId: column('agentId'),
    customerId: column('customerId'),
    queue: column('queue'),
  };
  const roleOf = new Map<string, Speaker>([
    ...mapping.agentValues.map((v) => [v.toLowerCase(), 'agent'] as const),
    ...mapping.customerValues.map((v) => [v.toLowerCase(), 'customer'] as const),
  ]);

  const turns: SourceTurn[] = [];
  for (const { line, cells } of rows.slice(1)) {
    if (cells.every((c) => c.trim() === '')) continue;
    const cell = (i: number | undefined) => (i === undefined ? undefined : cells[i]?.trim() || undefined);
    const said = cell(cols.text);
    if (said === undefined) throw new FormatError('csv', `line ${line}`, `column "${header.cells[cols.text]}" is empty`);
    const who = cell(cols.speaker);
    if (who === undefined) throw new FormatError('csv', `line ${line}`, `column "${header.cells[cols.speaker]}" is empty`);
    const speaker = roleOf.get(who.toLowerCase());
    turns.push({
      conversationId: cell(cols.conversationId),
      turnId: cell(cols.turnId) ?? `row-${line}`,
      speaker,
      party: speaker ? undefined : who,
      text: said,
      at: timeOf(cell(cols.at), line, header.cells[cols.at ?? 0]!),
      final: true,
      channel: 'chat',
      agentId: cell(cols.agentId),
      customerId: cell(cols.customerId),
      queue: cell(cols.queue),
    });
  }
  if (turns.length === 0) throw new FormatError('csv', '(document)', 'has a header but no rows');
  return { format: 'csv', turns, ended: true };
}

/** Header names compared the way people write them: "Sent At", "sent-at" and "sent_at" are one. */
function headerKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/gu, '_');
}

function timeOf(value: string | undefined, line: number, columnName: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/u.test(value)) return Number(value);
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/u.test(value) ? value : `${value.replace(' ', 'T')}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new FormatError('csv', `line ${line}`, `column "${columnName}" is not a date-time or epoch milliseconds: "${value}"`);
  return ms;
}

/**
 * RFC 4180 rows (csv-parse), each with the line its record starts on: a quoted field may span lines,
 * so a record starts on the line after the one the previous record ended on.
 */
function csvRows(text: string): { line: number; cells: string[] }[] {
  const endLines: number[] = [];
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (record: string[], { lines }) => (endLines.push(lines), record),
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const why = error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is never closed' : error.message;
    throw new FormatError('csv', `line ${endLines.length === 0 ? 1 : endLines.at(-1)! + 1}`, why);
  }
  return records.map((cells, i) => ({ line: i === 0 ? 1 : endLines[i - 1]! + 1, cells }));
}

export const csv: TranscriptFormat = {
  name: 'csv',
  detect: { extensions: ['.csv'] },
  parse: (input, o) => parse(textOf(input, 'csv'), o.csvMapping),
};
