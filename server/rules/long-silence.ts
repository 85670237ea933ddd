import { lastSpeechAt } from '../domain/timing.ts';
import { activeAlertOf, seconds, type TimedRule } from './timed.ts';

export interface LongSilenceOptions {
  warningAfterSeconds: number;
}

/** Nobody has spoken on a live call for a while: the customer may be on hold without being told, or the call has stalled. */
export function longSilence(o: LongSilenceOptions): TimedRule {
  const warnMs = o.warningAfterSeconds * 1000;
  return {
    id: 'long-silence',
    resolvedBecause: 'Someone spoke again.',
    evaluateAt(c, now) {
      const last = c.channel === 'voice' ? lastSpeechAt(c) : undefined;
      if (last === undefined || now - last < warnMs) return null;
      const lastTurn = c.turns.at(-1);
      return {
        rule: 'long-silence',
        trigger: 'long-silence',
        severity: 'warning',
        reason: `Nobody has spoken on the call for ${seconds(now - last)} s.`,
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
}
