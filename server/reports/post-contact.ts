import type { Alert } from '../domain/alert.ts';
import { summarize, type Conversation } from '../domain/conversation.ts';
import type { ScoredTurn, Speaker } from '../domain/turn.ts';
import type { Complaint } from '../domain/quality.ts';
import type { AfterCallSummary } from '../domain/after-call.ts';
import type { ContactReason } from '../domain/contact-reason.ts';
import type { PredictedSatisfaction } from '../domain/satisfaction.ts';
import { timingOf, type TimingCharacteristics } from '../domain/timing.ts';
import { mean } from '../lib/index.ts';

/**
 * The post-contact summary of an ended conversation, shaped like Amazon Contact Lens post-call output
 * (PascalCase, AGENT / CUSTOMER participants, sentiment scores from -5 to +5, by quarter of the
 * contact) so tools that read Contact Lens files read this with a field mapping, not a rewrite.
 */
export interface PostContactSummary {
  Version: 'rapport-1';
  ContactId: string;
  Channel: 'VOICE' | 'CHAT';
  LanguageCode: string;
  Participants: { ParticipantId: Role; ParticipantRole: Role; Id?: string }[];
  Queue?: string;
  StartedAt: string;
  EndedAt?: string;
  /** Talk time, non-talk time, interruptions and talk speed for calls; response times and customer waits for chats (server/domain/timing.ts). */
  ConversationCharacteristics: TimingCharacteristics & {
    TotalConversationDurationMillis: number;
    Sentiment: {
      /** Mean valence of each participant's turns, times 5; null when they never spoke. */
      OverallSentiment: Record<Role, number | null>;
      SentimentByPeriod: { QUARTER: Record<Role, { BeginOffsetMillis: number; EndOffsetMillis: number; Score: number | null }[]> };
    };
    /** Times the customer's smoothed mood went below zero: each is graded as a complaint (server/quality). */
    NegativeEpisodes: number;
    /** Started clearly negative, ended clearly positive. */
    Recovered: boolean;
    /** 1-5 with a 0-1 confidence (server/domain/satisfaction.ts); absent when the customer never spoke or analytics are off. */
    PredictedSatisfaction?: PredictedSatisfaction;
  };
  /** Why the customer contacted (config/analytics.yaml keywords, else the intent model). */
  ContactReason?: ContactReason;
  /** The after-call summary drafted on the machine from the transcript: issue, commitments with their times, outcome, mood. */
  AfterCall?: AfterCallSummary;
  Transcript: {
    Id: string;
    ParticipantId: Role;
    Content: string;
    BeginOffsetMillis: number;
    /** Where the source gave the utterance's end. */
    EndOffsetMillis?: number;
    Sentiment: 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';
    /** The model's valence times 5. */
    SentimentScore: number;
    Emotion?: string;
  }[];
  Alerts: Alert[];
  /** The negative episodes, graded, with their handling deadlines. */
  Complaints: Complaint[];
  /** The agent's service checklist (server/quality): each required item done, partly done or missing. */
  Checklist: { Item: string; Status: 'DONE' | 'PARTIAL' | 'MISSING'; TurnId?: string; Evidence?: string }[];
  /** 0..1: done items count 1, partial ones half. */
  ChecklistScore?: number;
  QaNote?: string;
}

type Role = 'AGENT' | 'CUSTOMER';
const ROLE: Record<Speaker, Role> = { agent: 'AGENT', customer: 'CUSTOMER' };
const SCALE = 5;
/** One decimal, rounding halves away from zero, so that -4.25 and 4.25 round alike. */
const round1 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 10)) / 10;

/** The mean on the summary's -5..5 scale, to one decimal. */
const scaledMean = (xs: readonly number[]): number | null => {
  const m = mean(xs);
  return m === null ? null : round1(SCALE * m);
};

function quarters(turns: readonly ScoredTurn[], speaker: Speaker, start: number, duration: number) {
  const width = duration / 4;
  return [0, 1, 2, 3].map((q) => {
    const begin = Math.round(q * width);
    const end = q === 3 ? duration : Math.round((q + 1) * width);
    const inQuarter = turns.filter((t) => {
      const offset = t.at - start;
      return t.speaker === speaker && offset >= begin && (q === 3 ? offset <= end : offset < end);
    });
    return { BeginOffsetMillis: begin, EndOffsetMillis: end, Score: scaledMean(inQuarter.map((t) => t.score.valence)) };
  });
}

export function postContactSummary(c: Conversation, now: number): PostContactSummary {
  const end = c.endedAt ?? c.updatedAt;
  const duration = Math.max(0, end - c.startedAt);
  const of = (s: Speaker) => c.turns.filter((t) => t.speaker === s).map((t) => t.score.valence);
  return {
    Version: 'rapport-1',
    ContactId: c.id,
    Channel: c.channel === 'voice' ? 'VOICE' : 'CHAT',
    LanguageCode: c.lang,
    Participants: [
      { ParticipantId: 'AGENT', ParticipantRole: 'AGENT', Id: c.agentId },
      { ParticipantId: 'CUSTOMER', ParticipantRole: 'CUSTOMER', Id: c.customerId },
    ],
    Queue: c.queue,
    StartedAt: new Date(c.startedAt).toISOString(),
    EndedAt: c.endedAt === undefined ? undefined : new Date(c.endedAt).toISOString(),
    ConversationCharacteristics: {
      TotalConversationDurationMillis: duration,
      Sentiment: {
        OverallSentiment: { AGENT: scaledMean(of('agent')), CUSTOMER: scaledMean(of('customer')) },
        SentimentByPeriod: {
          QUARTER: { AGENT: quarters(c.turns, 'agent', c.startedAt, duration), CUSTOMER: quarters(c.turns, 'customer', c.startedAt, duration) },
        },
      },
      NegativeEpisodes: c.complaints?.length ?? 0,
      Recovered: summarize(c, now).recovered,
      PredictedSatisfaction: c.predictedSatisfaction,
      ...timingOf(c, now),
    },
    ContactReason: c.contactReason,
    AfterCall: c.afterCall,
    Transcript: c.turns.map((t) => ({
      Id: t.turnId,
      ParticipantId: ROLE[t.speaker],
      Content: t.text,
      BeginOffsetMillis: t.at - c.startedAt,
      EndOffsetMillis: t.endAt === undefined ? undefined : t.endAt - c.startedAt,
      Sentiment: t.score.label.toUpperCase() as 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE',
      SentimentScore: round1(SCALE * t.score.valence),
      Emotion: t.score.emotion?.label,
    })),
    Alerts: c.alerts,
    Complaints: c.complaints ?? [],
    Checklist: (c.checklist?.items ?? []).map((i) => ({
      Item: i.id,
      Status: i.status.toUpperCase() as 'DONE' | 'PARTIAL' | 'MISSING',
      TurnId: i.turnId,
      Evidence: i.evidence,
    })),
    ChecklistScore: c.checklist?.score,
    QaNote: c.qaNote,
  };
}
