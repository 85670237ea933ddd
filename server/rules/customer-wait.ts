import { z } from 'zod';
import type { Severity } from '../domain/alert.ts';
import { openWaitSince } from '../domain/timing.ts';
import { activeAlertOf, defineTimedRule, seconds } from './timed.ts';

/**
 * A chat customer has waited too long for an agent reply: the response-time standard of service
 * practice. The wait runs from their first unanswered message; it ends with the agent's next one.
 */
export const customerWait = defineTimedRule({
  id: 'customer-wait',
  schema: z.object({ warningAfterSeconds: z.number().positive(), criticalAfterSeconds: z.number().positive() }),
  create: (o) => {
    const warnMs = o.warningAfterSeconds * 1000;
    const criticalMs = o.criticalAfterSeconds * 1000;
    return {
      resolvedBecause: 'The agent replied.',
      evaluateAt(c, now) {
        if (c.channel !== 'chat') return null;
        const wait = openWaitSince(c.turns);
        const waited = wait ? now - wait.since : 0;
        if (!wait || waited < warnMs) return null;
        const severity: Severity = waited >= criticalMs ? 'critical' : 'warning';
        return {
          trigger: 'customer-wait',
          severity,
          reason: `The customer has waited ${seconds(waited)} s for a reply.`,
          code: { code: 'alert.customerWait', params: { seconds: seconds(waited) } },
          evidence: [wait.turnId],
        };
      },
      nextCheckAt(c, now) {
        if (c.channel !== 'chat') return undefined;
        const wait = openWaitSince(c.turns);
        const active = activeAlertOf(c, 'customer-wait');
        if (!wait) return active ? now : undefined;
        if (active?.severity === 'critical') return undefined;
        return wait.since + (active ? criticalMs : warnMs);
      },
    };
  },
});
