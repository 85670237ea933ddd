import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyAnalytics, createAnalytics } from '../../server/analytics/index.ts';
import { loadConfig } from '../../server/config.ts';
import { applyScoredTurn, endConversation, newConversation, type Conversation } from '../../server/domain/conversation.ts';
import type { Score, Speaker, Turn } from '../../server/domain/turn.ts';
import { toTurn } from '../../server/ingest/accept.ts';
import { readTranscriptFile } from '../../server/ingest/adapters/index.ts';
import { postContactSummary } from '../../server/reports/post-contact.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

const config = loadConfig(['--secret', 'x'.repeat(32)], {});
const analytics = createAnalytics(config);
let ids = 0;
/** The pseudonym key of the ingest door (ids without PII pass through unchanged). */
const ID_KEY = 'x'.repeat(32);
const newId = () => `ac-${++ids}`;

function apply(turns: Turn[], scores: Score[]): Conversation {
  let c: Conversation | undefined;
  turns.forEach((turn, i) => {
    const { conversation, scored } = applyScoredTurn(c ?? newConversation(turn), turn, scores[i]!);
    c = applyAnalytics(analytics, conversation, scored, undefined, turn.at, newId).conversation;
  });
  return c!;
}

const chat = (steps: [Speaker, string, Score][], lang?: string) =>
  apply(
    steps.map(([speaker, text], i) => turnOf(speaker, text, { conversationId: 'after', at: 1_000_000 + i * 5000, lang })),
    steps.map(([, , s]) => s),
  );

describe('after-call summary', () => {
  it('drafts the fixture call: the issue, the commitment with its time, follow-up, negative to positive', async () => {
    const { conversations } = await readTranscriptFile(path.join(import.meta.dirname, '..', 'fixtures', 'contact-lens-post-call.json'), { startAt: 0 });
    const turns = conversations[0]!.turns.map((t) => toTurn(t, 0, ID_KEY));
    const scores = turns.map((t, i) => (t.speaker === 'agent' ? scoreOf('neutral') : i < 6 ? scoreOf('negative', 0.9) : scoreOf('positive', 0.95)));
    const c = endConversation(apply(turns, scores), 56_000);
    const s = postContactSummary(c, 56_000).AfterCall!;
    expect(s.Language).toBe('en');
    expect(s.Issue).toEqual({ Text: 'My internet has been dropping every evening for two weeks and I am really fed up.', TurnId: 'seg-002' });
    expect(s.Commitments).toEqual([
      { Text: 'I will book an engineer for tomorrow morning and call you back before 5 pm today.', TurnId: 'seg-006', Time: '5 pm' },
    ]);
    expect(s.Outcome).toBe('FOLLOW_UP');
    expect(s.Mood).toEqual({ Start: 'NEGATIVE', End: 'POSITIVE' });
    expect(s.Text.split('\n')).toEqual([
      'Issue: My internet has been dropping every evening for two weeks and I am really fed up.',
      'Agent committed: I will book an engineer for tomorrow morning and call you back before 5 pm today. (time given: 5 pm)',
      'Outcome: follow-up needed (the agent committed to a next step).',
      'Mood: negative at the start, positive at the end.',
    ]);
  });

  it('writes Chinese for a Chinese conversation, quoting its sentences', () => {
    const c = chat(
      [
        ['agent', '您好，请问有什么可以帮您？', scoreOf('neutral')],
        ['customer', '我上周买的耳机一直没收到。快递单号查不到物流信息！', scoreOf('negative')],
        ['agent', '非常抱歉。我会在24小时内联系快递公司并给您回电。', scoreOf('neutral')],
        ['customer', '好的，谢谢。', scoreOf('positive')],
      ],
      'zh',
    );
    const s = c.afterCall!;
    // The contact reason (delivery) matched 快递: the issue is its sentence.
    expect(s.Issue!.Text).toBe('快递单号查不到物流信息！');
    expect(s.Commitments[0]).toMatchObject({ Text: '我会在24小时内联系快递公司并给您回电。', Time: '24小时内' });
    expect(s.Text).toContain('结果：需跟进（坐席承诺了后续处理）。');
    expect(s.Text).toContain('坐席承诺：我会在24小时内联系快递公司并给您回电。（时间：24小时内）');
    // One positive turn after a negative one lifts the smoothed mood to neutral, not yet positive.
    expect(s.Text).toMatch(/情绪：开始负面，结束中性。/);
  });

  it('is escalated when the agent hands the contact on, resolved when the customer ends satisfied with nothing pending', () => {
    const escalated = chat([
      ['customer', 'I want to speak to someone senior about this charge, it is outrageous.', scoreOf('negative')],
      ['agent', 'I understand. Let me transfer you to my supervisor now.', scoreOf('neutral')],
    ]);
    expect(escalated.afterCall).toMatchObject({ Outcome: 'ESCALATED', OutcomeReason: 'AGENT_HANDED_ON', OutcomeQuote: 'Let me transfer you to my supervisor now.' });
    expect(escalated.afterCall!.Text).toContain('Outcome: escalated (the agent handed the contact on: "Let me transfer you to my supervisor now.").');
    const resolved = chat([
      ['customer', 'How do I change the email address on my account?', scoreOf('neutral')],
      ['agent', 'You can change it under Settings, then Profile.', scoreOf('neutral')],
      ['customer', 'Found it, that worked, thanks a lot!', scoreOf('positive', 0.97)],
    ]);
    expect(resolved.afterCall).toMatchObject({ Outcome: 'RESOLVED', OutcomeReason: 'CUSTOMER_SATISFIED', Commitments: [], Mood: { Start: 'NEUTRAL', End: 'POSITIVE' } });
    const unhappy = chat([
      ['customer', 'My refund still has not arrived.', scoreOf('negative')],
      ['agent', 'Refunds take 10 days.', scoreOf('neutral')],
      ['customer', 'That is not acceptable, why does it take so long???', scoreOf('negative', 0.95)],
    ]);
    expect(unhappy.afterCall).toMatchObject({ Outcome: 'FOLLOW_UP', OutcomeReason: 'CUSTOMER_NOT_SATISFIED' });
    expect(unhappy.afterCall).not.toHaveProperty('OutcomeQuote');
  });
});
