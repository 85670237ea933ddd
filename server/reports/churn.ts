import type { Conversation } from '../domain/conversation.ts';
import type { QualityConfig } from '../quality/index.ts';
import { groupBy } from '../lib/index.ts';

/**
 * Churn risk: a customer whose conversations keep getting more negative. Each conversation's
 * negativity is the mean of max(0, −mood) over the customer's turns (0 = never negative, 1 = as
 * negative as it gets); the trend is the least-squares slope over their recent conversations, oldest
 * first. A rising slope with a clearly negative latest conversation flags the customer.
 */

export interface ChurnPoint {
  conversationId: string;
  startedAt: number;
  negativity: number;
}

export interface ChurnRisk {
  customerId: string;
  /** Oldest first. */
  conversations: ChurnPoint[];
  /** Rise in negativity per conversation. */
  slope: number;
  latest: number;
}

type ChurnConfig = QualityConfig['churn'];

function negativityOf(c: Conversation): number {
  const moods = c.turns.filter((t) => t.speaker === 'customer').map((t) => Math.max(0, -t.smoothed));
  return moods.length === 0 ? 0 : moods.reduce((a, b) => a + b, 0) / moods.length;
}

export function slopeOf(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xMean = (n - 1) / 2;
  const yMean = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - xMean) * (y - yMean);
    den += (x - xMean) ** 2;
  });
  return num / den;
}

/** Customers at risk, most negative trend first. */
export function churnRisks(conversations: readonly Conversation[], config: ChurnConfig): ChurnRisk[] {
  const byCustomer = groupBy(
    conversations.filter((c) => c.customerId),
    (c) => c.customerId!,
  );
  const risks: ChurnRisk[] = [];
  for (const [customerId, cs] of byCustomer) {
    const recent = [...cs].sort((a, b) => a.startedAt - b.startedAt).slice(-config.recentConversations);
    if (recent.length < config.minConversations) continue;
    const points = recent.map((c) => ({ conversationId: c.id, startedAt: c.startedAt, negativity: Number(negativityOf(c).toFixed(3)) }));
    const slope = slopeOf(points.map((p) => p.negativity));
    const latest = points.at(-1)!.negativity;
    if (slope >= config.minSlope && latest >= config.minLatest) risks.push({ customerId, conversations: points, slope: Number(slope.toFixed(3)), latest });
  }
  return risks.sort((a, b) => b.slope - a.slope);
}
