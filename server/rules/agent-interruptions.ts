import { z } from 'zod';
import { interruptionsOf } from '../domain/timing.ts';
import { defineRule } from './rule.ts';

/** The agent keeps talking over the customer: a customer who is cut off feels unheard. */
export const agentInterruptions = defineRule({
  id: 'agent-interruptions',
  schema: z.object({
    /** Times the agent has talked over the customer in the call before a warning. */
    warningAfter: z.number().int().min(1),
  }),
  create: (o) => ({ conversation }) => {
    if (conversation.channel !== 'voice') return null;
    const byAgent = interruptionsOf(conversation.turns).filter((i) => i.by === 'agent');
    if (byAgent.length < o.warningAfter) return null;
    return {
      trigger: 'agent-interruptions',
      severity: 'warning',
      reason: `The agent has talked over the customer ${byAgent.length} times.`,
      code: { code: 'alert.agentInterruptions', params: { times: byAgent.length } },
      evidence: byAgent.map((i) => i.turnId),
    };
  },
});
