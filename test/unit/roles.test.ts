import { describe, expect, it } from 'vitest';
import { DEMO_CONVERSATIONS } from '../../server/demo/conversations.ts';
import { inferRoles } from '../../server/ingest/roles.ts';

describe('role inference on the scripted demo conversations (roles hidden, then compared)', () => {
  for (const c of DEMO_CONVERSATIONS) {
    it(`${c.key}: by party, the agent is found`, () => {
      const inferred = inferRoles(c.turns.map(([speaker, text]) => ({ party: speaker === 'agent' ? 'A' : 'B', text })));
      expect(inferred.agentParty).toBe('A');
      expect(inferred.confidence).toBeGreaterThan(0.5);
    });
  }

  it('turn by turn, most turns are right', () => {
    const turns = DEMO_CONVERSATIONS.flatMap((c) => c.turns);
    const inferred = inferRoles(turns.map(([, text]) => ({ text })));
    const right = inferred.speakers.filter((s, i) => s === turns[i]![0]).length;
    expect(right / turns.length).toBeGreaterThan(0.8);
  });

  it('a party alone is the agent only when it reads like one', () => {
    expect(inferRoles([{ party: 'X', text: 'I want my money back, this is ridiculous.' }]).speakers).toEqual(['customer']);
    expect(inferRoles([{ party: 'X', text: 'Thank you for calling, how can I help you?' }]).speakers).toEqual(['agent']);
  });
});
