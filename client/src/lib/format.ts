/** Small display helpers shared by the screens. */
export type Mood = 'bad' | 'tense' | 'neutral' | 'calm' | 'unknown';

/**
 * The customer's mood now, in bands of the smoothed valence (the curve, not the last turn alone, so
 * one odd message does not flip the word). "bad" matches the rules' negative-mood threshold region.
 */
export function moodOf(valence: number | null | undefined): Mood {
  if (valence === null || valence === undefined) return 'unknown';
  if (valence <= -0.4) return 'bad';
  if (valence <= -0.1) return 'tense';
  if (valence < 0.2) return 'neutral';
  return 'calm';
}

/** How long the customer has waited for a reply by `now`; undefined when they are not waiting. */
export function waitedMs(tile: { waitingSince?: number }, now: number): number | undefined {
  return tile.waitingSince === undefined ? undefined : Math.max(0, now - tile.waitingSince);
}

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function signed(valence: number | null | undefined): string {
  if (valence === null || valence === undefined) return '–';
  return `${valence >= 0 ? '+' : '−'}${Math.abs(valence).toFixed(2)}`;
}

/** A prompt or alert drawn on a mood chart where it happened. */
export interface Marker {
  at: number;
  kind: 'alert' | 'prompt';
  label: string;
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${Math.round(x * 100)}%`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A local calendar day, as an `<input type="date">` holds it. */
export function dayOf(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** From/To date inputs to epoch ms: from the start of the first day to the end of the last; blank ends stay open. */
export function periodOf(from: string, to: string): { from?: number; to?: number } {
  return {
    from: from ? new Date(`${from}T00:00:00`).getTime() : undefined,
    to: to ? new Date(`${to}T23:59:59.999`).getTime() : undefined,
  };
}

/** The last `days` days up to today, as date-input values. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: dayOf(now - (days - 1) * 86_400_000), to: dayOf(now) };
}
