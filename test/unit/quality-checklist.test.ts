import { describe, expect, it } from 'vitest';
import { hasTimeExpression } from '../../server/quality/index.ts';
import { config, play, quality, step } from '../support/quality.ts';
import { scoreOf } from '../support/turns.ts';

const detector = quality.checklist;
const statusOf = (c: ReturnType<typeof play>) => Object.fromEntries(c.checklist!.items.map((i) => [i.id, i.status]));

describe('explicit commitment', () => {
  it('is a first-person future action; with a time in the same sentence it is complete', () => {
    expect(detector.commitment('I will call you back before 5 pm.')).toEqual({ phrase: 'i will', withTime: true });
    expect(detector.commitment("We'll send the replacement within 24 hours")).toMatchObject({ withTime: true });
    expect(detector.commitment("I'm going to escalate this by Friday")).toMatchObject({ withTime: true });
    expect(detector.commitment('我会在24小时内给您回复')).toEqual({ phrase: '我会', withTime: true });
    expect(detector.commitment('我们将在明天联系您')).toMatchObject({ withTime: true });
  });
  it('without a time it is only partial, and a time in another sentence does not count', () => {
    expect(detector.commitment("I'll look into it.")).toEqual({ phrase: "i'll", withTime: false });
    expect(detector.commitment("I'll check. Tomorrow is a holiday.")).toEqual({ phrase: "i'll", withTime: false });
    expect(detector.commitment('我会帮您查一下')).toEqual({ phrase: '我会', withTime: false });
  });
  it('is absent without a first-person future, even with a time', () => {
    expect(detector.commitment('The parcel arrives tomorrow.')).toBeUndefined();
    expect(detector.commitment("I won't be able to do that by Friday")).toBeUndefined();
    expect(detector.commitment('包裹明天到')).toBeUndefined();
  });
  it('recognises clock times, relative days and bounded spans in both languages', () => {
    for (const s of ['before 5 pm', 'by 10:30am', 'within the next hour', 'in 3 working days', 'tomorrow', 'by end of day', 'on Monday'])
      expect(hasTimeExpression(s), s).toBe(true);
    for (const s of ['今天下午5点前', '24小时内', '明天', '3个工作日内', '周五之前']) expect(hasTimeExpression(s), s).toBe(true);
    for (const s of ['as soon as possible', 'soon', '尽快', 'I will look into the 5 options']) expect(hasTimeExpression(s), s).toBe(false);
  });
});

describe('the checklist of a conversation', () => {
  it('ticks each item in English from the agent turn that did it, and scores done 1, partial 0.5', () => {
    const c = play([
      ['agent', 'Hello, thank you for calling Acme, this is Alice.'],
      ['customer', 'My router keeps dropping.'],
      ['agent', "Sorry to hear that. I'll reset it from here."],
    ]);
    expect(statusOf(c)).toEqual({ greeting: 'done', polite: 'done', commitment: 'partial', summary: 'missing', closing: 'missing' });
    expect(c.checklist!.queue).toBe('default');
    expect(c.checklist!.score).toBeCloseTo(2.5 / 5);
    expect(c.checklist!.items.find((i) => i.id === 'greeting')!.evidence).toBe('hello');

    const done = play(
      [
        ['agent', 'I will call you back before 5 pm to confirm.'],
        ['agent', "To recap, I've reset the router and I'll call before 5 pm."],
        ['agent', 'Is there anything else I can help with? Have a nice day.'],
      ],
      {},
      c,
    );
    expect(statusOf(done)).toEqual({ greeting: 'done', polite: 'done', commitment: 'done', summary: 'done', closing: 'done' });
    expect(done.checklist!.score).toBe(1);
  });

  it('ticks each item in Chinese', () => {
    const c = play(
      [
        ['agent', '您好，很高兴为您服务。'],
        ['customer', '我的快递一直没到。'],
        ['agent', '抱歉给您添麻烦了，我会在24小时内给您回复。'],
        ['agent', '总结一下，我们会在明天前重新发货。'],
        ['agent', '请问还有其他可以帮您的吗？再见。'],
      ],
      { lang: 'zh', conversationId: 'zh-1' },
    );
    expect(statusOf(c)).toEqual({ greeting: 'done', polite: 'done', commitment: 'done', summary: 'done', closing: 'done' });
  });

  it('requires the identity check only on queues configured for it', () => {
    const turns: Parameters<typeof play>[0] = [['agent', 'Hello! Could you confirm your date of birth please?']];
    expect(statusOf(play(turns, { queue: 'billing', conversationId: 'b1' })).identity).toBe('done');
    expect(statusOf(play(turns, { queue: 'broadband', conversationId: 'b2' })).identity).toBeUndefined();
    expect(config.quality.checklist.queues.billing).toContain('identity');
  });

  it('counts a greeting only in the first agent turns, ignores customer turns, and does not take the greeting turn as the closing', () => {
    const late = play([
      ['agent', 'Let me look.'],
      ['customer', 'Hello? Thank you, have a nice day.'],
      ['agent', 'Still checking.'],
      ['agent', 'Hello again, good afternoon.'],
    ]);
    expect(statusOf(late)).toMatchObject({ greeting: 'missing', polite: 'missing', closing: 'missing' });
    const opening = play([['agent', 'Good morning, thank you for calling.']]);
    expect(statusOf(opening)).toMatchObject({ greeting: 'done', closing: 'missing' });
  });

  it('prompts the agent for outstanding items once, when either side wraps up', () => {
    const c = play([
      ['agent', 'Hello, this is Alice.'],
      ['customer', 'My bill is wrong.'],
      ['agent', "Thanks, I'll fix it."],
    ]);
    expect(c.prompts).toEqual([]);
    const wrapping = step(c, ['customer', "OK, that's all, thanks.", scoreOf('positive')]);
    expect(wrapping.prompts.map((p) => p.source)).toEqual(['checklist:commitment', 'checklist:summary']);
    expect(wrapping.prompts[0]).toMatchObject({ kind: 'checklist', why: expect.stringContaining('no time'), text: config.quality.checklist.prompts.commitment.en });
    expect(wrapping.checklist).toBeUndefined(); // a customer turn does not change the checklist

    expect(step(wrapping.conversation, ['customer', 'Bye!', scoreOf('positive')]).prompts).toEqual([]);
  });

  it('prompts in Chinese for a Chinese conversation', () => {
    const c = play([['agent', '您好'], ['customer', '好的，没有了，谢谢']], { lang: 'zh', conversationId: 'zh-2' });
    expect(c.prompts.map((p) => p.text)).toContain(config.quality.checklist.prompts.summary.zh);
  });
});
