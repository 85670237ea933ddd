import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../server/domain/alert.ts';
import { endConversation, withAlerts, type Conversation } from '../../server/domain/conversation.ts';
import type { Channel, SentimentLabel, Speaker } from '../../server/domain/turn.ts';
import { QualityConfigSchema } from '../../server/quality/index.ts';
import { churnRisks, slopeOf } from '../../server/reports/index.ts';
import { conversationMetrics, metricsReport, negativeMsOf, responseTimesOf, starOf, teamOf } from '../../server/reports/index.ts';
import { config, play, type Line } from '../support/quality.ts';
import { scoreOf } from '../support/turns.ts';

const metricsConfig = config.quality.metrics;
const customer = (label: SentimentLabel): Line => ['customer', `feeling ${label}`, scoreOf(label)];
let n = 0;
function conversation(labels: SentimentLabel[], over: { agentId?: string; customerId?: string; startedAt?: number } = {}): Conversation {
  const id = `m${++n}`;
  const c = play(labels.map(customer), { conversationId: id, agentId: over.agentId ?? 'alice', customerId: over.customerId });
  const started = over.startedAt === undefined ? c : { ...c, startedAt: over.startedAt };
  return endConversation(started, c.updatedAt + 1000);
}

describe('per-conversation metrics', () => {
  it('reports start and end mood, recovery, time negative, alert response times and the checklist score', () => {
    const c = conversation(['negative', 'negative', 'positive', 'positive', 'positive']);
    const [t0, , , t3] = c.turns;
    const opened = { id: 'al1', conversationId: c.id, severity: 'warning' as const, rule: 'negative-streak', reason: 'r', evidence: [], state: 'open' as const, openedAt: t0!.at, updatedAt: t0!.at };
    const withAck = withAlerts(c, [acknowledge(opened, 'sam', t0!.at + 45_000), { ...opened, id: 'al2' }]);
    const m = conversationMetrics({ ...withAck, checklist: { queue: 'default', items: [], score: 0.6 } }, metricsConfig, c.endedAt!);
    expect(m.startSentiment).toBeCloseTo(-0.85);
    expect(m.endSentiment!).toBeGreaterThan(0.2);
    expect(m.sentimentChange).toBeCloseTo(m.endSentiment! - m.startSentiment!);
    expect(m).toMatchObject({ recovered: true, startedNegative: true, checklistScore: 0.6, team: 'frontline' });
    // Negative from the first customer turn until the turn that brought the smoothed mood above zero.
    expect(m.negativeMs).toBe(t3!.at - t0!.at);
    expect(m.alerts.filter((a) => a.alertId.startsWith('al')).map((a) => a.responseMs)).toEqual([45_000, null]);
    expect(m.quality).toBeGreaterThan(0.6);
  });

  it('does not call a conversation that started fine recovered', () => {
    const m = conversationMetrics(conversation(['positive', 'positive']), metricsConfig, 0);
    expect(m).toMatchObject({ recovered: false, startedNegative: false, negativeMs: 0 });
  });

  it('counts a live conversation still negative up to now', () => {
    const c = play([customer('negative')], { conversationId: 'live-neg' });
    expect(negativeMsOf(c, c.updatedAt + 30_000)).toBe(30_000);
  });
});

describe('agent and team metrics', () => {
  it('aggregate per agent and team, with a recovery rate over the conversations that started negative', () => {
    const cs = [
      conversation(['negative', 'positive', 'positive', 'positive'], { agentId: 'alice' }),
      conversation(['negative', 'negative', 'negative'], { agentId: 'alice' }),
      conversation(['positive', 'positive'], { agentId: 'alice' }),
      conversation(['neutral', 'positive'], { agentId: 'bob' }),
      conversation(['negative'], { agentId: 'wei' }),
    ];
    const report = metricsReport(cs, metricsConfig, Date.now());
    const alice = report.agents.find((a) => a.agentId === 'alice')!;
    expect(alice).toMatchObject({ conversations: 3, startedNegative: 2, recoveryRate: 0.5, team: 'frontline' });
    expect(report.teams.map((t) => [t.team, t.conversations, t.agents])).toEqual([
      ['frontline', 4, 2],
      ['chinese-desk', 1, 1],
    ]);
    expect(report.agents.map((a) => a.rank)).toEqual([1, 2, 3]);
    expect(metricsReport(cs, metricsConfig, Date.now(), { team: 'chinese-desk' }).agents.map((a) => a.agentId)).toEqual(['wei']);
  });

  it('ranks by a star shrunk toward the team mean, so two lucky conversations do not beat a long good record', () => {
    const team = 0.5;
    expect(starOf([1, 1], team, 5)).toBeCloseTo((2 + 2.5) / 7);
    expect(starOf(Array(40).fill(0.8), team, 5)).toBeCloseTo((32 + 2.5) / 45);
    expect(starOf(Array(40).fill(0.8), team, 5)).toBeGreaterThan(starOf([1, 1], team, 5));
    expect(starOf([], team, 5)).toBe(team);

    // One team: Alice with a long record of recoveries, Bob with one even better conversation, Carol struggling.
    const floor = { ...metricsConfig, teams: { floor: ['alice', 'bob', 'carol'] } };
    const steady = Array.from({ length: 12 }, () => conversation(['negative', 'positive', 'positive', 'positive'], { agentId: 'alice' }));
    const lucky = [conversation(['negative', 'positive', 'positive', 'positive', 'positive', 'positive'], { agentId: 'bob' })];
    const struggling = Array.from({ length: 10 }, () => conversation(['negative', 'negative'], { agentId: 'carol' }));
    const report = metricsReport([...steady, ...lucky, ...struggling], floor, Date.now());
    const [first, second] = report.agents;
    expect(second!.avgQuality!).toBeGreaterThan(first!.avgQuality!);
    expect(first!.agentId).toBe('alice');
    expect(second!.agentId).toBe('bob');
    expect(second!.confidence).toBeCloseTo(1 / 6);
    expect(first!.stars).toBeGreaterThanOrEqual(1);
    expect(first!.stars).toBeLessThanOrEqual(5);
  });

  it('puts agents in their configured team, or their queue when unlisted', () => {
    expect(teamOf(metricsConfig, 'wei', 'returns')).toBe('chinese-desk');
    expect(teamOf(metricsConfig, 'zoe', 'returns')).toBe('returns');
    expect(teamOf(metricsConfig, undefined, undefined)).toBe('unassigned');
  });
});

/** Lines at seconds from T0: [who, second] (voice lines last 4 s). */
const SECOND = 1000;
const T0 = 1_700_000_000_000;
function timed(lines: [Speaker, number][], over: { agentId?: string; channel?: Channel; live?: boolean } = {}): Conversation {
  const channel = over.channel ?? 'chat';
  const c = play(
    lines.map(([speaker, s]) => [speaker, `${speaker} at ${s}`, scoreOf('neutral'), { at: T0 + s * SECOND, ...(channel === 'voice' && { endAt: T0 + (s + 4) * SECOND }) }]),
    { conversationId: `r${++n}`, agentId: over.agentId ?? 'alice', channel },
  );
  return over.live ? c : endConversation(c, c.updatedAt + SECOND);
}
// Waits of 30 s (first reply), 100 s (from the first of two unanswered messages) and exactly 60 s.
const chatWaits: [Speaker, number][] = [['customer', 0], ['agent', 30], ['customer', 40], ['customer', 50], ['agent', 140], ['customer', 150], ['agent', 210]];

describe('chat response times against the response standard', () => {
  const standard = metricsConfig.responseStandardSeconds;

  it('is read from config/quality.yaml (60 s) and must be a positive number of seconds', () => {
    expect(standard).toBe(60);
    const { responseStandardSeconds: _, ...withoutStandard } = metricsConfig;
    for (const metrics of [withoutStandard, { ...metricsConfig, responseStandardSeconds: 0 }, { ...metricsConfig, responseStandardSeconds: '60' }]) {
      const parsed = QualityConfigSchema.safeParse({ ...config.quality, metrics });
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['metrics.responseStandardSeconds']);
    }
  });

  it('counts each agent reply to a waiting customer and those within the standard (a reply at exactly the standard meets it)', () => {
    const m = conversationMetrics(timed(chatWaits), metricsConfig, T0 + 300 * SECOND);
    expect(m).toMatchObject({ firstResponseMs: 30_000, replies: 3, repliesWithinStandard: 2, totalResponseMs: 190_000 });
    // A stricter standard: only the 30 s reply meets it.
    expect(responseTimesOf(timed(chatWaits), 45, T0).repliesWithinStandard).toBe(1);
  });

  it('gives calls and unanswered chats no replies and no first response, and does not count a live chat’s open wait as a reply', () => {
    const call = conversationMetrics(timed([['customer', 0], ['agent', 90]], { channel: 'voice' }), metricsConfig, T0);
    expect(call).toMatchObject({ firstResponseMs: null, replies: 0, repliesWithinStandard: 0, totalResponseMs: 0 });
    const unanswered = conversationMetrics(timed([['customer', 0], ['customer', 20]]), metricsConfig, T0 + 600 * SECOND);
    expect(unanswered).toMatchObject({ firstResponseMs: null, replies: 0, repliesWithinStandard: 0 });
    const live = timed([['customer', 0], ['agent', 20], ['customer', 30]], { live: true });
    expect(conversationMetrics(live, metricsConfig, T0 + 330 * SECOND)).toMatchObject({ firstResponseMs: 20_000, replies: 1, repliesWithinStandard: 1 });
  });

  it('averages per agent, team and overall over replies, leaving calls and unanswered chats out rather than counting them as zero', () => {
    const report = metricsReport(
      [
        timed(chatWaits, { agentId: 'alice' }),
        timed([['customer', 0], ['agent', 90]], { agentId: 'alice' }),
        timed([['customer', 0], ['agent', 5]], { agentId: 'alice', channel: 'voice' }),
        timed([['customer', 0]], { agentId: 'alice' }),
        timed([['customer', 0], ['agent', 3]], { agentId: 'bob', channel: 'voice' }),
      ],
      metricsConfig,
      T0 + 600 * SECOND,
    );
    expect(report.responseStandardSeconds).toBe(60);
    const alice = report.agents.find((a) => a.agentId === 'alice')!;
    // First responses 30 s and 90 s; four replies of 30, 100, 60 and 90 s, two within 60 s.
    expect(alice).toMatchObject({ avgFirstResponseMs: 60_000, replies: 4, avgResponseMs: 70_000, withinStandardRate: 0.5 });
    const bob = report.agents.find((a) => a.agentId === 'bob')!;
    expect(bob).toMatchObject({ avgFirstResponseMs: null, replies: 0, avgResponseMs: null, withinStandardRate: null });
    expect(report.teams.find((t) => t.team === 'frontline')).toMatchObject({ avgFirstResponseMs: 60_000, replies: 4, withinStandardRate: 0.5 });
    expect(report.overall).toMatchObject({ avgFirstResponseMs: 60_000, avgResponseMs: 70_000, withinStandardRate: 0.5 });
  });
});

describe('churn risk', () => {
  it('fits a least-squares slope', () => {
    expect(slopeOf([0, 0.1, 0.2, 0.3])).toBeCloseTo(0.1);
    expect(slopeOf([0.5, 0.5])).toBe(0);
  });

  it('flags customers whose recent conversations get more negative, not those who were always unhappy or are improving', () => {
    const day = 86_400_000;
    const history = (customerId: string, moods: SentimentLabel[][]) =>
      moods.map((labels, i) => conversation(labels, { customerId, startedAt: i * day }));
    const cs = [
      ...history('rising', [['positive'], ['neutral', 'negative'], ['negative', 'negative']]),
      ...history('steady-bad', [['negative'], ['negative'], ['negative']]),
      ...history('improving', [['negative'], ['neutral'], ['positive']]),
      ...history('too-few', [['positive'], ['negative']]),
    ];
    const risks = churnRisks(cs, config.quality.churn);
    expect(risks.map((r) => r.customerId)).toEqual(['rising']);
    expect(risks[0]!.conversations.map((p) => p.negativity)).toEqual([...risks[0]!.conversations.map((p) => p.negativity)].sort());
    expect(risks[0]!.slope).toBeGreaterThan(0.1);
  });
});
