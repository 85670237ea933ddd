import { z } from 'zod';
import { lastSpeechAt } from '../domain/timing.ts';
import { activeAlertOf, defineTimedRule, seconds } from './timed.ts';

/** Nobody has spoken on a live call for a while: the customer may be on hold without being told, or the call has stalled. */
export const longSilence = defineTimedRule({
  id: 'long-silence',
  schema: z.object({ warningAfterSeconds: z.number().positive() }),
  create: (o) => {
    const warnMs = o.warningAfterSeconds * 1000;
    return {
      resolvedBecause: 'Someone spoke again.',
      evaluateAt(c, now) {
        const last = c.channel === 'voice' ? lastSpeechAt(c) : undefined;
        if (last === undefined || now - last < warnMs) return null;
        const lastTurn = c.turns.at(-1);
        return {
          trigger: 'long-silence',
          severity: 'warning',
          reason: `Nobody has spoken on the call for ${seconds(now - last)} s.`,
          code: { code: 'alert.longSilence', params: { seconds: seconds(now - last) } },
          evidence: lastTurn ? [lastTurn.turnId] : [],
        };
      },
      nextCheckAt(c, now) {
        const last = c.channel === 'voice' ? lastSpeechAt(c) : undefined;
        const active = activeAlertOf(c, 'long-silence');
        if (last === undefined) return active ? now : undefined;
        if (now - last < warnMs) return active ? now : last + warnMs;
        return active ? undefined : now;
      },
    };
  },
});
