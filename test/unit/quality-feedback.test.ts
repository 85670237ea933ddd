import { describe, expect, it } from 'vitest';
import { withPromptFeedback, type Conversation } from '../../server/domain/conversation.ts';
import type { Prompt } from '../../server/domain/prompt.ts';
import { withFeedback } from '../../server/quality/index.ts';
import { correctionsTsv, feedbackReport, promptEffect } from '../../server/reports/index.ts';
import { play, type Line } from '../support/quality.ts';
import { scoreOf } from '../support/turns.ts';

const angry: Line = ['customer', 'This is the third time, I want to cancel!', scoreOf('negative')];
const calmer: Line = ['customer', 'OK, fine.', scoreOf('neutral')];
const happy: Line = ['customer', 'Thanks, that sorts it.', scoreOf('positive')];
const agent: Line = ['agent', 'I understand, let me fix that.'];

function conversationWithAlert(id: string, after: Line[] = []): Conversation {
  const c = play([angry, agent, ...after], { conversationId: id });
  expect(c.alerts.length).toBeGreaterThan(0);
  expect(c.prompts.length).toBeGreaterThan(0);
  return c;
}

describe('feedback on alerts and prompts', () => {
  it('is stored with the turn text and scores it was about', () => {
    const c = conversationWithAlert('f1');
    const alert = c.alerts[0]!;
    const done = withFeedback(c, { target: 'alert', id: alert.id, verdict: 'wrong', correctLabel: 'neutral' }, { by: 'sam', role: 'supervisor' }, 42, 'fb1')!;
    expect(done.feedback).toMatchObject({
      id: 'fb1',
      target: 'alert',
      targetId: alert.id,
      rule: alert.rule,
      verdict: 'wrong',
      correctLabel: 'neutral',
      by: 'sam',
      at: 42,
      turn: { text: angry[1], label: 'negative', speaker: 'customer', turnId: c.turns[0]!.turnId },
    });
    expect(done.feedback.turn!.valence).toBeCloseTo(-0.85);
    expect(done.conversation.feedback).toEqual([done.feedback]);

    const prompt = c.prompts[0]!;
    const onPrompt = withFeedback(done.conversation, { target: 'prompt', id: prompt.id, verdict: 'helpful' }, { by: 'alice', role: 'agent' }, 43, 'fb2')!;
    expect(onPrompt.feedback).toMatchObject({ rule: prompt.source, turn: { turnId: prompt.turnId } });
    expect(onPrompt.conversation.feedback).toHaveLength(2);
  });

  it('replaces the same person’s earlier verdict on the same target, and refuses unknown targets', () => {
    const c = conversationWithAlert('f2');
    const id = c.alerts[0]!.id;
    const once = withFeedback(c, { target: 'alert', id, verdict: 'wrong' }, { by: 'sam', role: 'supervisor' }, 1, 'x1')!.conversation;
    const twice = withFeedback(once, { target: 'alert', id, verdict: 'helpful' }, { by: 'sam', role: 'supervisor' }, 2, 'x2')!.conversation;
    const other = withFeedback(twice, { target: 'alert', id, verdict: 'wrong' }, { by: 'max', role: 'supervisor' }, 3, 'x3')!.conversation;
    expect(other.feedback!.map((f) => [f.by, f.verdict])).toEqual([
      ['sam', 'helpful'],
      ['max', 'wrong'],
    ]);
    expect(withFeedback(c, { target: 'prompt', id, verdict: 'wrong' }, { by: 'sam', role: 'supervisor' }, 1, 'x')).toBeUndefined();
  });
});

describe('reports', () => {
  it('give each rule its precision, and export corrected turns for retraining', () => {
    const a = conversationWithAlert('f3');
    const b = conversationWithAlert('f4');
    const vote = (c: Conversation, verdict: 'wrong' | 'helpful', by: string, correctLabel?: 'neutral') =>
      withFeedback(c, { target: 'alert', id: c.alerts[0]!.id, verdict, correctLabel }, { by, role: 'supervisor' }, 1, `${c.id}${by}`)!.conversation;
    const report = feedbackReport([vote(vote(a, 'helpful', 'sam'), 'helpful', 'max'), vote(b, 'wrong', 'sam', 'neutral')]);
    expect(report.rules).toEqual([{ target: 'alert', rule: a.alerts[0]!.rule, helpful: 2, wrong: 1, precision: 0.667 }]);
    expect(report.corrections).toBe(1);

    const tsv = correctionsTsv([vote(b, 'wrong', 'sam', 'neutral'), { ...a, feedback: [] }]);
    expect(tsv).toBe(`text\tlabel\n${angry[1]}\tneutral\n`);
  });

  it('keeps tabs and line breaks out of the export', () => {
    const c = play([['customer', 'line one\nline\ttwo, I want to cancel', scoreOf('negative')]], { conversationId: 'f5' });
    const fed = withFeedback(c, { target: 'alert', id: c.alerts[0]!.id, verdict: 'wrong', correctLabel: 'positive' }, { by: 'sam', role: 'supervisor' }, 1, 'z')!;
    expect(correctionsTsv([fed.conversation])).toBe('text\tlabel\nline one line two, I want to cancel\tpositive\n');
  });

  it('measure each prompt by the customer mood over the next three customer turns, used or not', () => {
    const used = conversationWithAlert('f6', [calmer, happy, happy, angry]);
    const p = used.prompts[0]!;
    const effect = promptEffect(used, p);
    const customer = used.turns.filter((t) => t.speaker === 'customer');
    expect(effect.turnsObserved).toBe(3);
    expect(effect.change).toBeCloseTo(customer[3]!.smoothed - customer[0]!.smoothed, 3);

    const marked = withPromptFeedback(used, p.id, 'used', 1).conversation;
    const ignored = conversationWithAlert('f7', [angry, angry]);
    const report = feedbackReport([marked, ignored]);
    const row = report.prompts.find((r) => r.source === p.source)!;
    expect(row).toMatchObject({ prompts: 2, used: 1, usedRate: 0.5 });
    expect(row.avgChangeWhenUsed!).toBeGreaterThan(0);
    expect(row.uplift!).toBeGreaterThan(0);

    const fresh = conversationWithAlert('f8');
    const none = promptEffect(fresh, fresh.prompts[0]!);
    expect(none).toMatchObject({ change: null, turnsObserved: 0 });
  });
});

describe('whether an agent used a prompt', () => {
  const withPrompt = (lines: Line[], text: string, over: Partial<Prompt> = {}) => {
    const c = play([['customer', 'It keeps failing.', scoreOf('negative', 0.7)]], { conversationId: `u${Math.random()}` });
    const prompt: Prompt = { id: 'pp', conversationId: c.id, source: 'empathy-streak', kind: 'empathy', text, why: 'w', turnId: c.turns[0]!.turnId, at: c.turns[0]!.at, ...over };
    const after = play(lines, { conversationId: c.id }, { ...c, prompts: [prompt] });
    return promptEffect(after, after.prompts.find((p) => p.id === 'pp')!);
  };
  const suggestion = 'Slow down and name the feeling: "I can hear how frustrating this has been. Let\'s fix it together." Avoid policy language.';

  it('is inferred when one of the next two agent turns repeats the suggested wording, in English or Chinese', () => {
    expect(withPrompt([['agent', "I can hear how frustrating this has been; let's fix it."]], suggestion)).toMatchObject({ used: true, usedBy: 'inferred' });
    expect(withPrompt([['agent', 'One moment.'], ['agent', 'I hear how frustrating this has been.']], suggestion).usedBy).toBe('inferred');
    const zh = '放慢语速，先共情：“我能理解这件事让您很烦恼，我们一起把它解决。”';
    expect(withPrompt([['agent', '我能理解这件事让您很烦恼，我们马上解决。']], zh).usedBy).toBe('inferred');
  });

  it('is not inferred from unrelated or later turns, nor against the agent dismissing it; marking it used wins', () => {
    expect(withPrompt([['agent', 'Please read me the error code.']], suggestion)).toMatchObject({ used: false, usedBy: null });
    expect(withPrompt([['agent', 'One.'], ['agent', 'Two.'], ['agent', "I can hear how frustrating this has been, let's fix it."]], suggestion).usedBy).toBeNull();
    expect(withPrompt([['agent', "I can hear how frustrating this has been; let's fix it."]], suggestion, { feedback: 'dismissed' }).usedBy).toBeNull();
    expect(withPrompt([['agent', 'Unrelated.']], suggestion, { feedback: 'used' })).toMatchObject({ used: true, usedBy: 'marked' });
  });
});
