import { describe, expect, it } from 'vitest';
import { applyScoredTurn, endConversation, newConversation, type Conversation } from '../../server/domain/conversation.ts';
import type { Score, Speaker } from '../../server/domain/turn.ts';
import { postContactSummary } from '../../server/reports/index.ts';
import { scoreOf, turnOf } from '../support/turns.ts';
import type { Checklist, Complaint } from '../../server/domain/quality.ts';

const START = 1_000_000;

/** A conversation of [speaker, text, seconds from start, score] steps, ended 40 s in. */
function conversationOf(steps: [Speaker, string, number, Score][]): Conversation {
  let c: Conversation | undefined;
  for (const [speaker, text, seconds, score] of steps) {
    const turn = turnOf(speaker, text, { conversationId: 'pcs', at: START + seconds * 1000, customerId: 'cust-1' });
    c = applyScoredTurn(c ?? newConversation(turn), turn, score).conversation;
  }
  return endConversation(c!, START + 40_000);
}

describe('post-contact summary', () => {
  const c = conversationOf([
    ['agent', 'Thank you for calling, how can I help?', 0, scoreOf('neutral')],
    ['customer', 'My bill is wrong again and I am furious.', 5, scoreOf('negative')],
    ['agent', "I'm sorry about that, I will fix it now.", 12, scoreOf('neutral')],
    ['customer', 'Still annoyed, honestly.', 18, scoreOf('negative', 0.6)],
    ['customer', 'Oh that is fixed, great, thank you!', 31, scoreOf('positive')],
    ['agent', 'Is there anything else I can help with?', 38, scoreOf('positive', 0.7)],
  ]);
  const s = postContactSummary(c, START + 40_000);

  it('gives each participant an overall score and one per quarter, on the -5..5 scale', () => {
    expect(s.ConversationCharacteristics.TotalConversationDurationMillis).toBe(40_000);
    expect(s.ConversationCharacteristics.Sentiment.OverallSentiment.CUSTOMER).toBeCloseTo((5 * (-0.85 - 0.4 + 0.85)) / 3, 1);
    const customer = s.ConversationCharacteristics.Sentiment.SentimentByPeriod.QUARTER.CUSTOMER;
    expect(customer.map((q) => [q.BeginOffsetMillis, q.EndOffsetMillis])).toEqual([[0, 10_000], [10_000, 20_000], [20_000, 30_000], [30_000, 40_000]]);
    expect(customer.map((q) => q.Score)).toEqual([-4.3, -2, null, 4.3]);
  });

  it('lists every turn with its sentiment', () => {
    expect(s.Transcript.map((t) => [t.ParticipantId, t.BeginOffsetMillis, t.Sentiment])).toEqual([
      ['AGENT', 0, 'NEUTRAL'],
      ['CUSTOMER', 5000, 'NEGATIVE'],
      ['AGENT', 12_000, 'NEUTRAL'],
      ['CUSTOMER', 18_000, 'NEGATIVE'],
      ['CUSTOMER', 31_000, 'POSITIVE'],
      ['AGENT', 38_000, 'POSITIVE'],
    ]);
    expect(s.Participants[1]).toEqual({ ParticipantId: 'CUSTOMER', ParticipantRole: 'CUSTOMER', Id: 'cust-1' });
  });

  it('carries the agent checklist and the graded complaints the quality step kept', () => {
    const checklist: Checklist = {
      queue: 'default',
      items: [
        { id: 'greeting', status: 'done', turnId: c.turns[0]!.turnId, at: START, evidence: 'thank you for calling' },
        { id: 'commitment', status: 'partial', turnId: c.turns[2]!.turnId, at: START + 12_000, evidence: 'i will' },
        { id: 'summary', status: 'missing' },
      ],
      score: 0.5,
    };
    const withQuality = postContactSummary({ ...c, checklist, complaints: [{ id: c.turns[1]!.turnId } as Complaint] }, START + 40_000);
    expect(withQuality.Checklist).toEqual([
      { Item: 'greeting', Status: 'DONE', TurnId: c.turns[0]!.turnId, Evidence: 'thank you for calling' },
      { Item: 'commitment', Status: 'PARTIAL', TurnId: c.turns[2]!.turnId, Evidence: 'i will' },
      { Item: 'summary', Status: 'MISSING', TurnId: undefined, Evidence: undefined },
    ]);
    expect(withQuality.ChecklistScore).toBe(0.5);
    expect(withQuality.ConversationCharacteristics.NegativeEpisodes).toBe(1);
    expect(withQuality.Complaints).toHaveLength(1);
  });
});
