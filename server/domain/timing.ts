import type { Conversation } from './conversation.ts';
import type { Speaker, Turn } from './turn.ts';

/**
 * Talk and wait signals from turn times, with Amazon Contact Lens's names and shapes so that tools
 * reading Contact Lens output read these too. Pure functions of the turns and a clock value.
 *
 * Voice (turns with an end time): who talked how long, silences of 3 s or more, who talked over whom,
 * and talk speed. Chat (messages are instants): the agent's first response and every wait of the
 * customer for an agent reply, including the one still open while the conversation is live.
 */

export type Role = 'AGENT' | 'CUSTOMER';
export const ROLE: Record<Speaker, Role> = { agent: 'AGENT', customer: 'CUSTOMER' };

/** Contact Lens counts a stretch with nobody talking as non-talk time from 3 seconds on. */
export const SILENCE_MIN_MS = 3_000;
/**
 * Overlaps shorter than this are speech-to-text timing jitter or a back-channel ("mm"), not someone
 * talking over the other.
 */
export const INTERRUPTION_MIN_MS = 250;

export interface TimeSpan {
  BeginOffsetMillis: number;
  EndOffsetMillis: number;
  DurationMillis: number;
}

export interface VoiceCharacteristics {
  /** Time anyone was talking (overlaps counted once), and per participant. */
  TalkTime: { TotalTimeMillis: number; DetailsByParticipant: Record<Role, { TotalTimeMillis: number }> };
  /** Stretches of SILENCE_MIN_MS or more with nobody talking, between the start and the last utterance's end. */
  NonTalkTime: { TotalTimeMillis: number; Instances: TimeSpan[] };
  /** An utterance that starts while the other participant is still talking, by who started it. */
  Interruptions: { TotalCount: number; TotalTimeMillis: number; InterruptionsByInterrupter: Partial<Record<Role, TimeSpan[]>> };
  /**
   * Words per minute of talk time. Chinese has no spaces between words: each Han character counts as
   * one word, so Chinese figures run higher (about 200-300 a minute in normal speech) than English
   * (about 130-170) and thresholds are set per language. null: no timed speech from that participant.
   */
  TalkSpeed: { DetailsByParticipant: Record<Role, { AverageWordsPerMinute: number | null }> };
}

/** One stretch of the customer waiting for an agent reply: from their first unanswered message to the agent's next one. */
export interface CustomerWait extends TimeSpan {
  /** The customer message that started the wait. */
  TurnId: string;
  /** false: still waiting (live conversations only; the end is "now"). */
  Answered: boolean;
}

export interface ChatCharacteristics {
  ChatMetrics: {
    /** From the customer's first message to the agent's first message after it; null until the agent answers. */
    AgentFirstResponseTimeInMillis: number | null;
    AgentMetrics: { NumResponses: number; TotalResponseTimeInMillis: number; MaxResponseTimeInMillis: number; AverageResponseTimeInMillis: number | null };
    CustomerWaits: CustomerWait[];
  };
}

export type TimingCharacteristics = Partial<VoiceCharacteristics & ChatCharacteristics>;

type TimedTurn = Pick<Turn, 'turnId' | 'speaker' | 'text' | 'at' | 'endAt'>;
interface Interval {
  turnId: string;
  speaker: Speaker;
  start: number;
  end: number;
  text: string;
}

/** One utterance started while the other participant was still talking. */
export interface Interruption {
  /** The interrupting turn. */
  turnId: string;
  by: Speaker;
  start: number;
  /** When the overlap ended. */
  end: number;
}

function intervalsOf(turns: readonly TimedTurn[]): Interval[] {
  return turns
    .filter((t): t is TimedTurn & { endAt: number } => t.endAt !== undefined && t.endAt >= t.at)
    .map((t) => ({ turnId: t.turnId, speaker: t.speaker, start: t.at, end: t.endAt, text: t.text }))
    .sort((a, b) => a.start - b.start);
}

/** Every interruption among the turns with end times, in order. */
export function interruptionsOf(turns: readonly TimedTurn[]): Interruption[] {
  const intervals = intervalsOf(turns);
  const found: Interruption[] = [];
  for (const u of intervals) {
    // The other side's utterance that was under way when u began, the one running longest.
    const talkedOver = intervals
      .filter((v) => v.speaker !== u.speaker && v.start < u.start && v.end > u.start)
      .reduce<Interval | undefined>((a, v) => (a === undefined || v.end > a.end ? v : a), undefined);
    if (!talkedOver) continue;
    const end = Math.min(u.end, talkedOver.end);
    if (end - u.start >= INTERRUPTION_MIN_MS) found.push({ turnId: u.turnId, by: u.speaker, start: u.start, end });
  }
  return found;
}

const span = (origin: number, begin: number, end: number): TimeSpan => ({
  BeginOffsetMillis: begin - origin,
  EndOffsetMillis: end - origin,
  DurationMillis: end - begin,
});

/** Intervals merged where they touch or overlap, sorted by start. */
function union(intervals: readonly { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const { start, end } of sorted) {
    const last = merged.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}

const total = (intervals: readonly { start: number; end: number }[]) => union(intervals).reduce((ms, i) => ms + (i.end - i.start), 0);

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Spoken words in a text: space-separated words, plus one per Han character (see TalkSpeed). */
export function wordCount(text: string): number {
  const han = text.match(HAN)?.length ?? 0;
  const words = text.replace(HAN, ' ').match(WORD)?.length ?? 0;
  return han + words;
}

/** A participant's words per minute over their timed utterances (see TalkSpeed), with the talk time it rests on. */
export function talkSpeed(turns: readonly TimedTurn[], speaker: Speaker): { wordsPerMinute: number | null; talkMs: number } {
  const spoken = intervalsOf(turns).filter((i) => i.speaker === speaker && i.end > i.start);
  const talkMs = spoken.reduce((sum, i) => sum + (i.end - i.start), 0);
  if (talkMs === 0) return { wordsPerMinute: null, talkMs };
  return { wordsPerMinute: Math.round(spoken.reduce((n, i) => n + wordCount(i.text), 0) / (talkMs / 60_000)), talkMs };
}

/** Voice signals from the turns that have an end time; `origin` is the conversation's start. */
export function voiceCharacteristics(turns: readonly TimedTurn[], origin: number): VoiceCharacteristics {
  const intervals = intervalsOf(turns);
  const of = (s: Speaker) => intervals.filter((i) => i.speaker === s);

  const talking = union(intervals);
  const silences: TimeSpan[] = [];
  let cursor = Math.min(origin, talking[0]?.start ?? origin);
  for (const i of talking) {
    if (i.start - cursor >= SILENCE_MIN_MS) silences.push(span(origin, cursor, i.start));
    cursor = Math.max(cursor, i.end);
  }

  const byInterrupter: Partial<Record<Role, TimeSpan[]>> = {};
  for (const i of interruptionsOf(turns)) (byInterrupter[ROLE[i.by]] ??= []).push(span(origin, i.start, i.end));
  const interruptions = Object.values(byInterrupter).flat();


  return {
    TalkTime: {
      TotalTimeMillis: total(intervals),
      DetailsByParticipant: { AGENT: { TotalTimeMillis: total(of('agent')) }, CUSTOMER: { TotalTimeMillis: total(of('customer')) } },
    },
    NonTalkTime: { TotalTimeMillis: silences.reduce((ms, s) => ms + s.DurationMillis, 0), Instances: silences },
    Interruptions: {
      TotalCount: interruptions.length,
      TotalTimeMillis: interruptions.reduce((ms, s) => ms + s.DurationMillis, 0),
      InterruptionsByInterrupter: byInterrupter,
    },
    TalkSpeed: {
      DetailsByParticipant: { AGENT: { AverageWordsPerMinute: talkSpeed(turns, 'agent').wordsPerMinute }, CUSTOMER: { AverageWordsPerMinute: talkSpeed(turns, 'customer').wordsPerMinute } },
    },
  };
}

/**
 * Chat signals: each wait of the customer for an agent reply, from the first customer message after
 * the agent's last one to the agent's next message. `now`, when given (a live conversation), closes
 * the wait still open; without it an unanswered last message is not a wait (the customer said goodbye).
 */
export function chatCharacteristics(turns: readonly TimedTurn[], origin: number, now?: number): ChatCharacteristics {
  const waits: CustomerWait[] = [];
  let open: TimedTurn | undefined;
  for (const t of [...turns].sort((a, b) => a.at - b.at)) {
    if (t.speaker === 'customer') open ??= t;
    else if (open) {
      waits.push({ TurnId: open.turnId, ...span(origin, open.at, Math.max(open.at, t.at)), Answered: true });
      open = undefined;
    }
  }
  if (open && now !== undefined) waits.push({ TurnId: open.turnId, ...span(origin, open.at, Math.max(open.at, now)), Answered: false });
  const answered = waits.filter((w) => w.Answered).map((w) => w.DurationMillis);
  const firstCustomer = turns.find((t) => t.speaker === 'customer');
  const firstReply = firstCustomer && waits.find((w) => w.Answered && w.BeginOffsetMillis === firstCustomer.at - origin);
  const sum = answered.reduce((a, b) => a + b, 0);
  return {
    ChatMetrics: {
      AgentFirstResponseTimeInMillis: firstReply ? firstReply.DurationMillis : null,
      AgentMetrics: {
        NumResponses: answered.length,
        TotalResponseTimeInMillis: sum,
        MaxResponseTimeInMillis: answered.length === 0 ? 0 : Math.max(...answered),
        AverageResponseTimeInMillis: answered.length === 0 ? null : Math.round(sum / answered.length),
      },
      CustomerWaits: waits,
    },
  };
}

/** The customer's wait still open at `now`: since when they have waited for an agent reply. */
export function openWaitSince(turns: readonly TimedTurn[]): { since: number; turnId: string } | undefined {
  let open: TimedTurn | undefined;
  for (const t of turns) {
    if (t.speaker === 'customer') open ??= t;
    else open = undefined;
  }
  return open && { since: open.at, turnId: open.turnId };
}

/**
 * When someone last spoke on a call, for the live silence check: the latest utterance end, where a
 * turn without one counts from its start (a final speech-to-text turn arrives as it ends), and a
 * partial segment means someone is speaking now.
 */
export function lastSpeechAt(c: Pick<Conversation, 'turns' | 'partials'>): number | undefined {
  const times = [...c.turns.map((t) => t.endAt ?? t.at), ...Object.values(c.partials).map((p) => p!.at)];
  return times.length === 0 ? undefined : Math.max(...times);
}

/** A conversation's timing signals: the voice ones for calls, the chat ones for chats; a live chat's open wait runs to `now`. */
export function timingOf(c: Pick<Conversation, 'turns' | 'channel' | 'startedAt' | 'status'>, now: number): TimingCharacteristics {
  return c.channel === 'voice' ? voiceCharacteristics(c.turns, c.startedAt) : chatCharacteristics(c.turns, c.startedAt, c.status === 'live' ? now : undefined);
}
