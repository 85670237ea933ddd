/** Export of one conversation for QA: the whole view as JSON, or its timeline as CSV (one row per turn, prompt or alert). */
// The browser build: it carries its own Buffer, which the page does not have.
import { stringify } from 'csv-stringify/browser/esm/sync';
import type { ConversationView } from '../../../server/contract/index.ts';

export type TimelineEntry =
  | { kind: 'turn'; at: number; turn: ConversationView['turns'][number] }
  | { kind: 'prompt'; at: number; prompt: ConversationView['prompts'][number] }
  | { kind: 'alert'; at: number; alert: ConversationView['alerts'][number] };

/** Turns, prompts and alerts in the order they happened; a prompt or alert sorts after its turn. */
export function timelineOf(view: ConversationView): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...view.turns.map((turn) => ({ kind: 'turn' as const, at: turn.at, turn })),
    ...view.prompts.map((prompt) => ({ kind: 'prompt' as const, at: prompt.at, prompt })),
    ...view.alerts.map((alert) => ({ kind: 'alert' as const, at: alert.openedAt, alert })),
  ];
  const rank = { turn: 0, alert: 1, prompt: 2 };
  return entries.sort((a, b) => a.at - b.at || rank[a.kind] - rank[b.kind]);
}

const CSV_COLUMNS = ['conversationId', 'at', 'offsetSeconds', 'kind', 'speaker', 'text', 'label', 'valence', 'smoothed', 'emotion', 'severity', 'state', 'feedback'] as const;

/** One conversation's timeline as CSV, or several conversations' one after another under one header. */
export function toCsv(views: ConversationView | readonly ConversationView[]): string {
  const rows = (Array.isArray(views) ? views : [views]).flatMap((view) => csvRows(view));
  // A byte-order mark so spreadsheet programs read Chinese text as UTF-8. A cell that starts like a
  // formula ("=", "+", "-", "@") gets a leading "'": a customer's "=HYPERLINK(…)" must stay text in a spreadsheet.
  return stringify([[...CSV_COLUMNS], ...rows], { bom: true, record_delimiter: 'windows', escape_formulas: true });
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function csvRows(view: ConversationView): (string | number | undefined)[][] {
  return timelineOf(view).map((e) => {
    // Figures stay numbers, so a negative one is not taken for a formula.
    const base = { conversationId: view.id, at: new Date(e.at).toISOString(), offsetSeconds: round((e.at - view.startedAt) / 1000, 1), kind: e.kind };
    const row: Partial<Record<(typeof CSV_COLUMNS)[number], string | number>> =
      e.kind === 'turn'
        ? { ...base, speaker: e.turn.speaker, text: e.turn.text, label: e.turn.score.label, valence: round(e.turn.score.valence, 3), smoothed: round(e.turn.smoothed, 3), emotion: e.turn.score.emotion?.label }
        : e.kind === 'prompt'
          ? { ...base, speaker: 'agent', text: e.prompt.text, feedback: e.prompt.feedback }
          : { ...base, text: e.alert.reason, severity: e.alert.severity, state: e.alert.state };
    return CSV_COLUMNS.map((c) => row[c]);
  });
}

export function download(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
