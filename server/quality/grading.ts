import type { Conversation } from '../domain/conversation.ts';
import type { ScoredTurn } from '../domain/turn.ts';
import { PhraseMatcher, type PhraseGroup } from '../rules/index.ts';
import type { QualityConfig } from './config.ts';
import type { Complaint, ComplaintDeadlines, ComplaintGrade, Reason } from '../domain/quality.ts';

/**
 * Complaint grading. Each negative episode (a maximal run of customer turns whose smoothed mood is
 * below zero) earns points for how deep and how long the negativity went, escalation phrases, a
 * repeat contact and strong emotion; the points give the grade, and the grade gives the deadlines.
 * A legal or regulator threat is major whatever the points, and so (with `majorWhenRepeatAndStrong`)
 * is a repeat contact whose negativity is strong. Reasons travel as codes for the screens to word.
 */


const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * The customer turns of each negative episode, in order. A turn is negative when its smoothed mood is
 * below zero, or when `alsoNegative` says so (a complaint in so many words, whatever the model thinks).
 */
export function negativeEpisodes(c: Conversation, alsoNegative: (t: ScoredTurn) => boolean = () => false): { turns: ScoredTurn[]; endedAt?: number }[] {
  const episodes: { turns: ScoredTurn[]; endedAt?: number }[] = [];
  let current: ScoredTurn[] | undefined;
  for (const turn of c.turns) {
    if (turn.speaker !== 'customer') continue;
    if (turn.smoothed < 0 || alsoNegative(turn)) {
      if (!current) episodes.push({ turns: (current = []) });
      current.push(turn);
    } else if (current) {
      episodes.at(-1)!.endedAt = turn.at;
      current = undefined;
    }
  }
  return episodes;
}

export type Grader = (c: Conversation) => Complaint[];

/** `groups` are the escalation phrase groups of rules.yaml, so a phrase is listed in one place only. */
export function createGrader(config: QualityConfig, groups: readonly PhraseGroup[]): Grader {
  const g = config.grading;
  const matcherOf = (triggers: readonly string[]) =>
    groups.filter((group) => triggers.includes(group.trigger)).map((group) => ({ group, matcher: new PhraseMatcher(group.phrases) }));
  const escalation = matcherOf(g.escalationTriggers);
  const repeat = matcherOf(g.repeatTriggers);
  const legal = matcherOf(g.legalTriggers);
  const opening = matcherOf(g.episodeTriggers);
  const saysComplaint = (t: ScoredTurn) => opening.some(({ matcher }) => matcher.find(t.text).length > 0);

  const found = (matchers: typeof escalation, turns: readonly ScoredTurn[]) =>
    matchers.filter(({ matcher }) => turns.some((t) => matcher.find(t.text).length > 0)).map(({ group }) => group);

  return (c) =>
    negativeEpisodes(c, saysComplaint).map(({ turns, endedAt }) => {
      const first = turns[0]!;
      const last = turns.at(-1)!;
      const reasons: Reason[] = [];
      let points = 0;
      const add = (n: number, code: string, params?: Reason['params']) => {
        if (n <= 0) return;
        points += n;
        reasons.push({ code, params, points: n });
      };

      const lowestMood = Math.min(...turns.map((t) => t.smoothed));
      const mood = Number(lowestMood.toFixed(2));
      const strong = lowestMood <= g.strength.strong;
      if (strong) add(g.points.strong, 'complaint.strong', { mood });
      else if (lowestMood <= g.strength.moderate) add(g.points.moderate, 'complaint.moderate', { mood });

      const minutes = Number((((endedAt ?? last.at) - first.at) / MINUTE).toFixed(1));
      if (turns.length >= g.length.longTurns || minutes >= g.length.longMinutes) add(g.points.long, 'complaint.long', { turns: turns.length, minutes });
      else if (turns.length >= g.length.moderateTurns || minutes >= g.length.moderateMinutes)
        add(g.points.moderateLength, 'complaint.lasting', { turns: turns.length, minutes });

      const escalated = found(escalation, turns);
      if (escalated.length > 0)
        add(Math.min(g.points.maxEscalationPoints, escalated.length * g.points.escalationPhrase), 'complaint.escalation', {
          triggers: escalated.map((e) => e.trigger).join(','),
        });

      const saysRepeat = found(repeat, turns).length > 0;
      const repeated = saysRepeat || (c.priorContacts ?? 0) > 0;
      if (saysRepeat) add(g.points.repeatContact, 'complaint.saysRepeat');
      else if (repeated) add(g.points.repeatContact, 'complaint.priorContacts', { count: c.priorContacts!, days: g.repeatContactDays });

      const emotional = turns.find(
        (t) => t.score.emotion && g.emotion.labels.includes(t.score.emotion.label) && t.score.emotion.confidence >= g.emotion.minConfidence,
      );
      if (emotional) add(g.points.emotion, 'complaint.emotion', { emotion: emotional.score.emotion!.label });

      // Major is for what a manager must see: a legal or regulator threat, or a repeat contact with
      // strong negativity. Points alone reach it only past majorAt, which the default config sets
      // above what one long, angry episode earns.
      const threatened = found(legal, turns);
      if (threatened.length > 0) reasons.push({ code: 'complaint.legal', params: { triggers: threatened.map((t) => t.trigger).join(',') } });
      const repeatAndStrong = g.majorWhenRepeatAndStrong && repeated && strong;
      if (repeatAndStrong && threatened.length === 0) reasons.push({ code: 'complaint.repeatAndStrong' });
      const grade: ComplaintGrade = threatened.length > 0 || repeatAndStrong || points >= g.majorAt ? 'major' : points >= g.complexAt ? 'complex' : 'general';
      const d = config.deadlines;
      const deadlines: ComplaintDeadlines =
        grade === 'major'
          ? { managerBy: first.at + d.major.managerHours * HOUR, respondBy: first.at + d.major.respondHours * HOUR, resolveBy: first.at + d.major.resolveHours * HOUR }
          : { respondBy: first.at + d[grade].respondHours * HOUR, resolveBy: first.at + d[grade].resolveHours * HOUR };
      return {
        id: first.turnId,
        grade,
        points,
        reasons,
        startedAt: first.at,
        endedAt,
        turnIds: turns.map((t) => t.turnId),
        lowestMood: Number(lowestMood.toFixed(3)),
        deadlines,
        owner: grade === 'major' ? 'manager' : 'supervisor',
      };
    });
}

