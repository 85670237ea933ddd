import type { z } from 'zod';
import { isActive, resolve, type Alert } from '../domain/alert.ts';
import type { Conversation } from '../domain/conversation.ts';
import { alertFor } from './engine.ts';
import type { Finding } from './rule.ts';

/**
 * A rule about time passing with no new turn (a customer waiting for a reply, a silent call): it
 * needs a clock, so it is judged on ticks as well as on turns. Pure like every rule: the caller
 * gives the clock value.
 */
export interface TimedRule {
  /** Its alerts carry it as their `rule`. */
  id: string;
  /** The finding at `now`, or null when the condition does not hold. */
  evaluateAt(c: Conversation, now: number): Finding | null;
  /**
   * When this rule next needs a look: when the condition would start to hold, when it would rise
   * in severity, or `now` when its active alert is no longer warranted; undefined: not before the
   * next turn.
   */
  nextCheckAt(c: Conversation, now: number): number | undefined;
  /** Why its active alert resolves once the condition is over ("The agent replied."). */
  resolvedBecause: string;
}

/** A timed rule as registered: its id, the schema of its section of rules.yaml, and how to make it from that section. */
export interface TimedRulePlugin<S extends z.ZodType = z.ZodType> {
  id: string;
  schema: S;
  create(config: z.infer<S>): Omit<TimedRule, 'id'>;
}

export function defineTimedRule<S extends z.ZodType>(plugin: TimedRulePlugin<S>): TimedRulePlugin<S> {
  return plugin;
}

export interface TimedOutcome {
  /** Alerts opened, raised or resolved. */
  changed: Alert[];
  /** Findings that opened or raised an alert: these drive prompts. */
  fresh: Finding[];
}

/** The active alert a rule raised, if any. */
export function activeAlertOf(c: Conversation, ruleId: string): Alert | undefined {
  return c.alerts.find((a) => a.rule === ruleId && isActive(a));
}

/**
 * The timed rules at `now`: a finding opens an alert (or raises the active one's severity), as the
 * turn rules do; an active alert whose condition is over resolves, since these conditions end by
 * themselves (the agent replies, someone speaks).
 */
export function runTimedRules(rules: readonly TimedRule[], c: Conversation, now: number, newId: () => string): TimedOutcome {
  const changed: Alert[] = [];
  const fresh: Finding[] = [];
  if (c.status !== 'live') return { changed, fresh };
  for (const rule of rules) {
    const finding = rule.evaluateAt(c, now);
    const active = activeAlertOf(c, rule.id);
    if (finding) {
      const alert = alertFor(finding, active, c, rule.id, now, newId);
      if (alert) {
        changed.push(alert);
        fresh.push(finding);
      }
    } else if (active) {
      changed.push(resolve(active, rule.resolvedBecause, now));
    }
  }
  return { changed, fresh };
}

/** The earliest time any timed rule needs a look at this conversation; undefined when none does. */
export function nextTimedCheckAt(rules: readonly TimedRule[], c: Conversation, now: number): number | undefined {
  if (c.status !== 'live') return undefined;
  const times = rules.map((r) => r.nextCheckAt(c, now)).filter((t): t is number => t !== undefined);
  return times.length === 0 ? undefined : Math.min(...times);
}

/** Seconds, the way an alert or a prompt says them. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
