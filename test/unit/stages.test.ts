import { describe, expect, it } from 'vitest';
import { newConversation } from '../../server/domain/conversation.ts';
import { checkOrder, createTurnStages, defineStage, stepTurn } from '../../server/stages/index.ts';
import { createRules } from '../../server/rules/index.ts';
import { config, quality } from '../support/quality.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

const options = { rules: createRules(config.rules), resolveAbove: config.rules.resolveAbove, playbook: config.playbook, quality };

describe('turn stages', () => {
  it('run in their registered order', () => {
    expect(createTurnStages(options).map((s) => s.name)).toEqual(['apply-score', 'rules', 'arm-deadlines', 'prior-contacts', 'checklist', 'grading', 'prompts', 'analytics', 'expiry']);
  });

  it('refuse a stage placed before the stage that adds what it reads', () => {
    const [applyScore, rules, ...rest] = createTurnStages(options);
    const prompts = rest.find((s) => s.name === 'prompts')!;
    expect(() => checkOrder([applyScore!, prompts, rules!])).toThrow(/stage prompts reads findings, which no earlier stage adds/);
    const reader = defineStage({ name: 'needs-turn', reads: ['turn'], adds: [], run: () => ({}) });
    expect(() => checkOrder([reader])).toThrow(/stage needs-turn reads turn/);
  });

  it('are pure: the same conversation, turn and env give the same step, and the conversation given is left as it was', () => {
    const stages = createTurnStages(options);
    const turn = turnOf('customer', 'This is terrible, I want to cancel.', { conversationId: 'pure-1' });
    const before = newConversation(turn);
    const frozen = structuredClone(before);
    const run = () => {
      let id = 0;
      return stepTurn(stages, before, { turn, score: scoreOf('negative') }, { now: turn.at, newId: () => `x${++id}` });
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(before).toEqual(frozen);
    expect(first.alerts).toEqual([{ alert: expect.objectContaining({ rule: 'escalation-phrase', ackDueAt: expect.any(Number) }), change: 'opened' }]);
    expect(first.prompts.length).toBeGreaterThan(0);
    expect(first.conversation.prompts).toEqual(first.prompts);
  });
});
