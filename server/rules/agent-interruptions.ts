import { interruptionsOf } from '../domain/timing.ts';
import type { Rule } from './rule.ts';

export interface AgentInterruptionsOptions {
  /** Times the agent has talked over the customer in the call before a warning. */
  warningAfter: number;
}

/** The agent keeps talking over the customer: a customer who is cut off feels unheard. */
export function agentInterruptions(o: AgentInterruptionsOptions): Rule {
  return {
    id: 'agent-interruptions',
    evaluate({ conversation }) {
      if (conversation.channel !== 'voice') return null;
      const byAgent = interruptionsOf(conversation.turns).filter((i) => i.by === 'agent');
      if (byAgent.length < o.warningAfter) return null;
      return {
        rule: 'agent-interruptions',
        trigger: 'agent-interruptions',
        severity: 'warning',
        reason: `The agent has talked over the customer ${byAgent.length} times.`,
        evidence: byAgent.map((i) => i.turnId),
      };
    },
  };
}
