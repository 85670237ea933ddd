import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toTurn } from '../../server/ingest/accept.ts';
import { parseTranscript, readTranscriptFile } from '../../server/ingest/adapters/index.ts';
import { TurnInputSchema } from '../../server/ingest/schema.ts';
import { applyScoredTurn, endConversation, newConversation, viewOf, summarize, type Conversation } from '../../server/domain/conversation.ts';
import { chatCharacteristics, openWaitSince, voiceCharacteristics, wordCount } from '../../server/domain/timing.ts';
import type { Turn } from '../../server/domain/turn.ts';
import { postContactSummary } from '../../server/reports/post-contact.ts';
import { scoreOf } from '../support/turns.ts';

/** The pseudonym key of the ingest door (ids without PII pass through unchanged). */
const ID_KEY = 'x'.repeat(32);
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const START = 1_767_261_600_000;

async function turnsOf(file: string): Promise<Turn[]> {
  const { conversations } = await readTranscriptFile(path.join(FIXTURES, file), { startAt: START });
  // Partial segments (Contact Lens Utterance) never reach a conversation's turns.
  return conversations[0]!.turns.filter((t) => t.final).map((t) => toTurn(t, START, ID_KEY));
}

function conversationOf(turns: readonly Turn[]): Conversation {
  let c: Conversation | undefined;
  for (const t of turns) c = applyScoredTurn(c ?? newConversation(t), t, scoreOf('neutral')).conversation;
  return c!;
}

describe('turn end times from vendor files', () => {
  it.each(['contact-lens-post-call.json', 'contact-lens-realtime.jsonl', 'genesys-transcription.json', 'call.vtt', 'call.srt'])('%s gives each turn its end', async (file) => {
    const turns = await turnsOf(file);
    expect(turns[0]).toMatchObject({ at: START, endAt: START + 5500 });
    expect(turns.at(-1)).toMatchObject({ at: START + 52_000, endAt: START + 56_000 });
    expect(turns.every((t) => t.endAt !== undefined && t.endAt >= t.at)).toBe(true);
  });

  it('refuses an end before the start, or an end without a start, naming the field', () => {
    const turn = { conversationId: 'c', speaker: 'customer', text: 'hello', channel: 'voice' };
    expect(TurnInputSchema.safeParse({ ...turn, at: START + 2000, endAt: START + 1000 }).error?.issues[0]).toMatchObject({ path: ['endAt'] });
    expect(TurnInputSchema.safeParse({ ...turn, endAt: START + 1000 }).error?.issues[0]).toMatchObject({ path: ['endAt'] });
    expect(TurnInputSchema.safeParse({ ...turn, at: '2026-01-01T10:00:00Z', endAt: '2026-01-01T10:00:04Z' }).success).toBe(true);
    expect(() => parseTranscript('srt', '1\n00:00:05,000 --> 00:00:01,000\nA: hi\n')).toThrow(/srt: line 2: the cue ends before it starts/);
  });

  it('leaves chat messages as instants at their send times', async () => {
    for (const file of ['chat.jsonl', 'chat-export.csv']) {
      const turns = await turnsOf(file);
      expect(turns.every((t) => t.endAt === undefined)).toBe(true);
      expect(turns.map((t) => t.at - turns[0]!.at)).toEqual([0, 6, 13, 18, 26, 33, 42, 47, 52].map((s) => s * 1000));
    }
  });
});

describe('voice signals', () => {
  it('read the same talk time from every vendor format of the English call, with no silence and no interruption', async () => {
    for (const file of ['contact-lens-post-call.json', 'contact-lens-realtime.jsonl', 'genesys-transcription.json', 'call.vtt', 'call.srt']) {
      const v = voiceCharacteristics(await turnsOf(file), START);
      expect(v.TalkTime).toEqual({ TotalTimeMillis: 52_000, DetailsByParticipant: { AGENT: { TotalTimeMillis: 23_000 }, CUSTOMER: { TotalTimeMillis: 29_000 } } });
      // Gaps between turns are half a second: below the 3 s of a silence.
      expect(v.NonTalkTime).toEqual({ TotalTimeMillis: 0, Instances: [] });
      expect(v.Interruptions).toEqual({ TotalCount: 0, TotalTimeMillis: 0, InterruptionsByInterrupter: {} });
      // 58 agent words in 23 s of agent talk.
      expect(v.TalkSpeed.DetailsByParticipant.AGENT.AverageWordsPerMinute).toBe(Math.round(58 / (23 / 60)));
    }
  });

  it('find the overlaps and the silence of the Chinese call, and count its talk speed in characters', async () => {
    const v = voiceCharacteristics(await turnsOf('contact-lens-post-call-zh.json'), START);
    expect(v.TalkTime).toEqual({ TotalTimeMillis: 32_500, DetailsByParticipant: { AGENT: { TotalTimeMillis: 16_100 }, CUSTOMER: { TotalTimeMillis: 18_500 } } });
    expect(v.NonTalkTime).toEqual({ TotalTimeMillis: 7000, Instances: [{ BeginOffsetMillis: 20_000, EndOffsetMillis: 27_000, DurationMillis: 7000 }] });
    // The agent cuts in at 11 s and the customer at 32 s, each for a second; the agent's 0.1 s overlap at 35.9 s is a back-channel.
    expect(v.Interruptions).toEqual({
      TotalCount: 2,
      TotalTimeMillis: 2000,
      InterruptionsByInterrupter: {
        AGENT: [{ BeginOffsetMillis: 11_000, EndOffsetMillis: 12_000, DurationMillis: 1000 }],
        CUSTOMER: [{ BeginOffsetMillis: 32_000, EndOffsetMillis: 33_000, DurationMillis: 1000 }],
      },
    });
    // 63 agent characters in 16.1 s; 52 customer characters in 18.5 s.
    expect(v.TalkSpeed.DetailsByParticipant).toEqual({ AGENT: { AverageWordsPerMinute: 235 }, CUSTOMER: { AverageWordsPerMinute: 169 } });
  });

  it('counts a silence at the start and ignores turns without an end', () => {
    const turns = [
      { turnId: 'a', speaker: 'agent' as const, text: 'hello there', at: 5000, endAt: 6000 },
      { turnId: 'b', speaker: 'customer' as const, text: 'no end time', at: 6500 },
      { turnId: 'c', speaker: 'customer' as const, text: 'hi', at: 10_000, endAt: 11_000 },
    ];
    const v = voiceCharacteristics(turns, 0);
    expect(v.NonTalkTime.Instances.map((i) => [i.BeginOffsetMillis, i.EndOffsetMillis])).toEqual([[0, 5000], [6000, 10_000]]);
    expect(v.TalkTime.TotalTimeMillis).toBe(2000);
    expect(voiceCharacteristics([], 0).TalkSpeed.DetailsByParticipant.AGENT.AverageWordsPerMinute).toBeNull();
  });

  it('counts words in English, characters in Chinese, and both in mixed text', () => {
    expect(wordCount("I'm sorry, it's 5 pm.")).toBe(5);
    expect(wordCount('您好，谢谢')).toBe(4);
    expect(wordCount('我的iPhone 坏了')).toBe(5);
  });
});

describe('chat signals', () => {
  it('time the agent first response and every wait of the chat fixture', async () => {
    const turns = await turnsOf('chat.jsonl');
    const m = chatCharacteristics(turns, turns[0]!.at).ChatMetrics;
    expect(m.AgentFirstResponseTimeInMillis).toBe(7000);
    expect(m.CustomerWaits).toEqual([
      { TurnId: 'm2', BeginOffsetMillis: 6000, EndOffsetMillis: 13_000, DurationMillis: 7000, Answered: true },
      // m5 follows m4 before any reply: the wait runs from m4.
      { TurnId: 'm4', BeginOffsetMillis: 18_000, EndOffsetMillis: 33_000, DurationMillis: 15_000, Answered: true },
      { TurnId: 'm7', BeginOffsetMillis: 42_000, EndOffsetMillis: 47_000, DurationMillis: 5000, Answered: true },
    ]);
    expect(m.AgentMetrics).toEqual({ NumResponses: 3, TotalResponseTimeInMillis: 27_000, MaxResponseTimeInMillis: 15_000, AverageResponseTimeInMillis: 9000 });
  });

  it('keep the wait still open while the chat is live, and show it on the wall tile', async () => {
    const turns = await turnsOf('chat.jsonl');
    const live = conversationOf(turns);
    const now = turns.at(-1)!.at + 8000;
    expect(viewOf(live, now).characteristics.ChatMetrics!.CustomerWaits.at(-1)).toEqual({
      TurnId: 'm9', BeginOffsetMillis: 52_000, EndOffsetMillis: 60_000, DurationMillis: 8000, Answered: false,
    });
    expect(summarize(live, now).waitingSince).toBe(turns.at(-1)!.at);
    expect(openWaitSince(turns.slice(0, 2))).toEqual({ since: turns[1]!.at, turnId: 'm2' });
    expect(openWaitSince(turns.slice(0, 3))).toBeUndefined();
    const ended = endConversation(live, now);
    expect(summarize(ended, now).waitingSince).toBeUndefined();
    expect(postContactSummary(ended, now).ConversationCharacteristics.ChatMetrics!.CustomerWaits).toHaveLength(3);
  });

  it('report no first response before the agent has answered', () => {
    const m = chatCharacteristics([{ turnId: 'x', speaker: 'customer', text: 'hello?', at: 100 }], 0, 500).ChatMetrics;
    expect(m.AgentFirstResponseTimeInMillis).toBeNull();
    expect(m.CustomerWaits).toEqual([{ TurnId: 'x', BeginOffsetMillis: 100, EndOffsetMillis: 500, DurationMillis: 400, Answered: false }]);
  });
});

describe('post-contact summary timing', () => {
  it('carries the voice signals and each turn end for a call', async () => {
    const c = endConversation(conversationOf(await turnsOf('contact-lens-post-call-zh.json')), START + 41_000);
    const s = postContactSummary(c, START + 41_000);
    expect(s.ConversationCharacteristics.Interruptions!.TotalCount).toBe(2);
    expect(s.ConversationCharacteristics.NonTalkTime!.TotalTimeMillis).toBe(7000);
    expect(s.ConversationCharacteristics.ChatMetrics).toBeUndefined();
    expect(s.Transcript[2]).toMatchObject({ BeginOffsetMillis: 11_000, EndOffsetMillis: 15_000 });
  });
});
