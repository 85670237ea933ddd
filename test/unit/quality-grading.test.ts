import { describe, expect, it } from 'vitest';
import { summarize } from '../../server/domain/conversation.ts';
import { negativeEpisodes } from '../../server/quality/index.ts';
import { config, play, quality, type Line } from '../support/quality.ts';
import { scoreOf } from '../support/turns.ts';

const HOUR = 3_600_000;
const negative = (text: string, confidence = 0.9, extra = {}): Line => ['customer', text, scoreOf('negative', confidence, extra)];
const positive = (text: string): Line => ['customer', text, scoreOf('positive')];

describe('negative episodes', () => {
  it('are maximal runs of customer turns below zero, ended by the turn that climbs back', () => {
    const c = play([negative('This is bad.'), ['agent', 'Sorry.'], negative('Really bad.'), positive('Oh great, thanks!'), positive('Perfect.'), negative('Wait, no, it broke again.')]);
    const episodes = negativeEpisodes(c);
    // The first positive turn only lifts the smoothed mood to just below zero; the second ends the episode.
    expect(episodes.map((e) => e.turns.length)).toEqual([3, 1]);
    expect(episodes[0]!.endedAt).toBe(c.turns[4]!.at);
    expect(episodes[1]!.endedAt).toBeUndefined();
    expect(c.complaints!.map((x) => x.id)).toEqual([c.turns[0]!.turnId, c.turns[5]!.turnId]);
  });
});

describe('complaint grading', () => {
  it('grades a short, moderately negative episode general, with 24-hour deadlines from its start', () => {
    const c = play([negative('That is not what I expected.', 0.7), positive('Ah OK, that works, thank you.')]);
    const [complaint] = c.complaints!;
    expect(complaint).toMatchObject({ grade: 'general', points: 1, owner: 'supervisor' });
    expect(complaint!.reasons[0]).toMatchObject({ code: 'complaint.moderate', points: 1 });
    expect(complaint!.deadlines).toEqual({ respondBy: complaint!.startedAt + 24 * HOUR, resolveBy: complaint!.startedAt + 24 * HOUR });
  });

  it('grades strong negativity that lasts six turns complex, with 48 hours to resolve; three turns are general', () => {
    const three = [negative('This is terrible.'), negative('Still terrible.'), negative('Awful service.')];
    expect(play(three).complaints![0]).toMatchObject({ grade: 'general', points: 3 });
    const c = play([...three, negative('Nothing works.'), negative('Useless.'), negative('Awful.')]);
    const [complaint] = c.complaints!;
    expect(complaint).toMatchObject({ grade: 'complex', points: 4 });
    expect(complaint!.deadlines.resolveBy - complaint!.startedAt).toBe(48 * HOUR);
    expect(complaint!.deadlines.managerBy).toBeUndefined();
  });

  it('grades a legal or regulator threat major outright: a manager within 2 hours', () => {
    for (const text of ["Fine, I'll get my lawyer on this.", '我要去消协投诉你们']) {
      const [complaint] = play([negative(text, 0.7)], { conversationId: text }).complaints!;
      expect(complaint).toMatchObject({ grade: 'major', owner: 'manager' });
      expect(complaint!.deadlines.managerBy! - complaint!.startedAt).toBe(2 * HOUR);
      expect(complaint!.reasons.at(-1)).toEqual({ code: 'complaint.legal', params: { triggers: 'legal' } });
    }
  });

  it('opens an episode on a legal threat or a complaint in so many words, even when the model rates it neutral', () => {
    const calm = play([['customer', 'If this is not refunded today I am going to my lawyer.', scoreOf('neutral')], ['customer', 'OK.', scoreOf('neutral')]]);
    expect(calm.complaints).toHaveLength(1);
    expect(calm.complaints![0]).toMatchObject({ grade: 'major', turnIds: [calm.turns[0]!.turnId] });
    expect(calm.complaints![0]!.endedAt).toBe(calm.turns[1]!.at);
    expect(play([['customer', 'Thanks for the refund, I will cancel the other order.', scoreOf('positive')]]).complaints).toEqual([]);
  });

  it('adds up strength, length and escalation phrases to major', () => {
    const c = play([
      negative('This is terrible.'),
      negative('I want a manager.'),
      negative('I am filing a complaint.'),
      negative('Nothing works.'),
      negative('Useless.'),
      negative('Awful.'),
    ]);
    // Six very negative turns with a manager asked for and a complaint: complex, not major. Major is
    // for a legal threat or a repeat contact with strong negativity (docs/QUALITY.md, calibration).
    expect(c.complaints![0]).toMatchObject({ grade: 'complex', points: 2 + 2 + 2 });
    expect(c.complaints![0]!.reasons.find((r) => r.code === 'complaint.escalation')!.params).toEqual({ triggers: 'supervisor,complaint' });
  });

  it('counts a repeat contact, said or on record, and strong emotion', () => {
    const mild = negative('Not great.', 0.7);
    expect(play([mild]).complaints![0]!.grade).toBe('general');
    expect(play([mild], {}, { ...play([['agent', 'Hi']]), priorContacts: 2 }).complaints![0]).toMatchObject({ grade: 'general', points: 3 });
    expect(play([negative('This is the third time I ask.', 0.7)]).complaints![0]).toMatchObject({ grade: 'general', points: 3 });
    const angry = negative('Not great.', 0.7, { emotion: { label: 'anger', confidence: 0.8, probabilities: {} } });
    expect(play([angry]).complaints![0]).toMatchObject({ points: 2, reasons: [expect.anything(), { code: 'complaint.emotion', params: { emotion: 'anger' }, points: 1 }] });
    const unsure = negative('Not great.', 0.7, { emotion: { label: 'anger', confidence: 0.4, probabilities: {} } });
    expect(play([unsure]).complaints![0]!.points).toBe(1);
  });

  it('grades a repeat contact with strong negativity major, and one without strong negativity not', () => {
    const prior = { ...play([['agent', 'Hi']]), priorContacts: 1 };
    const strong = play([negative('This is terrible.')], {}, prior).complaints![0]!;
    expect(strong).toMatchObject({ grade: 'major', owner: 'manager' });
    expect(strong.reasons.at(-1)).toEqual({ code: 'complaint.repeatAndStrong' });
    expect(play([negative('Not great.', 0.7)], {}, prior).complaints![0]!.grade).not.toBe('major');
  });

  it('re-grades upward as the episode grows, and the wall tile shows the worst complaint', () => {
    const early = play([negative('This is terrible.')]);
    expect(early.complaints![0]!.grade).toBe('general');
    const later = play([negative('Still bad.'), negative('Bad.'), negative('Awful.'), negative('Useless.'), negative('Terrible.')], {}, early);
    expect(later.complaints).toHaveLength(1);
    expect(later.complaints![0]!.grade).toBe('complex');
    expect(summarize(later, later.updatedAt).complaint).toMatchObject({ grade: 'complex', id: early.turns[0]!.turnId });
  });

  it('takes its thresholds from config', () => {
    expect(config.quality.grading.complexAt).toBe(4);
    expect(quality.config.deadlines.major.managerHours).toBe(2);
  });
});
