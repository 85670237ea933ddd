import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import type { Alert } from '../../server/domain/alert.ts';
import { newConversation, type Conversation } from '../../server/domain/conversation.ts';
import type { Score, Turn } from '../../server/domain/turn.ts';
import { createQuality } from '../../server/quality/index.ts';
import { createRules, PhraseMatcher } from '../../server/rules/index.ts';
import { createTurnStages, stepTurn } from '../../server/stages/index.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

const config = loadConfig(['--demo'], {});
const stages = createTurnStages({
  rules: createRules(config.rules),
  resolveAbove: config.rules.resolveAbove,
  playbook: config.playbook,
  quality: createQuality(config.quality, config.rules),
});
let ids = 0;
const newId = () => `id${++ids}`;

/** Feeds turns through the pipeline's stages, keeping the alerts each turn changed. */
function run(steps: [Turn, Score][], start?: Conversation) {
  let c = start ?? newConversation(steps[0]![0]);
  const outcomes: { changed: Alert[] }[] = [];
  for (const [turn, score] of steps) {
    const step = stepTurn(stages, c, { turn, score }, { now: turn.at, newId });
    c = step.conversation;
    outcomes.push({ changed: step.alerts.map((a) => a.alert) });
  }
  return { conversation: c, outcomes };
}

const customer = (text: string, label: Score['label'] = 'negative', extra: Partial<Score> = {}): [Turn, Score] => [
  turnOf('customer', text),
  scoreOf(label, 0.9, extra),
];

describe('phrase matching', () => {
  const m = new PhraseMatcher(['cancel', 'close my account', 'money back', '投诉', '退款']);
  it('matches English inflections through the stemmer', () => {
    expect(m.find('I cancelled it')).toEqual(['cancel']);
    expect(m.find('Cancelling now!')).toEqual(['cancel']);
    expect(m.find('please close my accounts')).toEqual(['close my account']);
    expect(m.find('I want my money back')).toEqual(['money back']);
  });
  it('matches derived forms that share the stem, but not other words or a different order', () => {
    expect(m.find('I asked for a cancellation')).toEqual(['cancel']);
    expect(m.find('light a candle')).toEqual([]);
    expect(m.find('my account, please close it')).toEqual([]);
  });
  it('matches Chinese as written', () => {
    expect(m.find('我要投诉，还要退款')).toEqual(['投诉', '退款']);
  });
});

describe('escalation phrases', () => {
  it('alerts on the first turn that says cancel, and prompts the agent', () => {
    const { conversation, outcomes } = run([customer("This is the third time I'm calling and nobody fixed it, I want to cancel.")]);
    expect(outcomes[0]!.changed).toHaveLength(1);
    const alert = conversation.alerts[0]!;
    expect(alert).toMatchObject({ rule: 'escalation-phrase', severity: 'warning', state: 'open', agentId: 'alice' });
    expect(alert.reason).toContain('cancel');
    expect(alert.reason).toContain('contact us again');
    expect(conversation.prompts.map((p) => p.source)).toEqual(['retention']);
  });

  it('makes legal threats critical', () => {
    const { conversation } = run([customer('I am going to my lawyer about this.')]);
    expect(conversation.alerts[0]).toMatchObject({ severity: 'critical' });
    expect(conversation.prompts[0]?.source).toBe('legal-threat');
  });

  it('works in Chinese and answers in Chinese', () => {
    const first = turnOf('customer', '再不解决我就要投诉！');
    const { conversation } = run([[first, scoreOf('negative')]]);
    expect(conversation.lang).toBe('zh');
    expect(conversation.alerts[0]?.reason).toContain('投诉');
    expect(conversation.prompts[0]?.text).toMatch(/投诉/);
  });

  it('fires on customer turns only', () => {
    const { conversation } = run([[turnOf('agent', 'I can cancel that for you'), scoreOf('neutral')]]);
    expect(conversation.alerts).toHaveLength(0);
  });
});

describe('negative streak', () => {
  it('warns after three negative turns and escalates the same alert at five', () => {
    const { conversation, outcomes } = run([
      customer('the app is slow'),
      customer('it crashed again'),
      customer('this is bad'),
      customer('still bad'),
      customer('awful'),
    ]);
    const streak = conversation.alerts.filter((a) => a.rule === 'negative-streak');
    expect(streak).toHaveLength(1);
    expect(streak[0]).toMatchObject({ severity: 'critical', state: 'open' });
    expect(streak[0]!.evidence).toHaveLength(5);
    expect(outcomes[1]!.changed.some((a) => a.rule === 'negative-streak')).toBe(false);
    expect(outcomes[2]!.changed.find((a) => a.rule === 'negative-streak')?.severity).toBe('warning');
  });

  it('ignores low-confidence turns', () => {
    const { conversation } = run([
      customer('no', 'negative', { lowConfidence: true }),
      customer('nope', 'negative', { lowConfidence: true }),
      customer('no!', 'negative', { lowConfidence: true }),
    ]);
    expect(conversation.alerts).toHaveLength(0);
  });
});

describe('recovery and hysteresis', () => {
  it('resolves active alerts only once the customer is clearly positive again', () => {
    const bad = run([customer('terrible'), customer('awful service'), customer('worst ever')]).conversation;
    expect(bad.alerts.filter((a) => a.state === 'open').length).toBeGreaterThan(0);

    // A neutral turn lifts the mood but not past resolveAbove: nothing resolves (no flapping).
    const neutral = run([customer('ok then', 'neutral')], bad).conversation;
    expect(neutral.alerts.every((a) => a.state === 'open')).toBe(true);

    const recovered = run([customer('great, thank you', 'positive'), customer('perfect, thanks so much', 'positive')], neutral).conversation;
    expect(recovered.alerts.every((a) => a.state === 'resolved')).toBe(true);
    expect(recovered.alerts[0]!.resolution).toMatch(/recovered/);
  });
});

describe('playbook', () => {
  it('does not repeat a prompt within the cooldown', () => {
    const first = customer('I want to cancel');
    const again: [Turn, Score] = [turnOf('customer', 'cancel it now', { at: first[0].at + 10_000 }), scoreOf('negative')];
    const { conversation } = run([first, again]);
    expect(conversation.prompts.filter((p) => p.source === 'retention')).toHaveLength(1);
  });

  it('prompts a clarification when the customer is confused', () => {
    const emotion = { label: 'confusion', confidence: 0.8, probabilities: { confusion: 0.8 } };
    const { conversation } = run([customer("I don't understand my bill", 'neutral', { emotion })]);
    expect(conversation.prompts[0]).toMatchObject({ source: 'confusion-clarify', kind: 'clarify' });
    expect(conversation.prompts[0]!.why).toMatch(/confusion/);
    expect(conversation.alerts).toHaveLength(0);
  });
});
