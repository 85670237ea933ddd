import type { Conversation } from '../domain/conversation.ts';
import type { QualityConfig } from '../quality/index.ts';
import { fnv1a } from '../lib/index.ts';

/**
 * QA sampling: a random sample of ended conversations, stratified by agent (each agent gets a share
 * proportional to their conversations, at least one while the size allows) and weighted toward
 * negative conversations. The same seed and the same conversations give the same sample, whatever
 * order the store lists them in.
 */

export interface SampleRequest {
  size: number;
  seed: string;
  /** Overrides the configured weight of a negative conversation. */
  negativeWeight?: number;
}

export interface Stratum {
  agentId: string;
  population: number;
  negatives: number;
  sampled: string[];
}

export interface Sample {
  seed: string;
  size: number;
  negativeWeight: number;
  population: number;
  strata: Stratum[];
  /** Sampled conversation ids, grouped by agent. */
  conversationIds: string[];
}

/** A string seed to a 32-bit state (FNV-1a), then mulberry32: small, fast, and the same everywhere. */
export function seededRandom(seed: string): () => number {
  let state = fnv1a(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Negative = the customer's smoothed mood went below the configured level at some point. */
export function isNegative(c: Conversation, config: QualityConfig['sampling']): boolean {
  return c.turns.some((t) => t.speaker === 'customer' && t.smoothed < config.negativeBelow);
}

/**
 * Proportional allocation of `size` across strata by largest remainder; then every stratum gets at
 * least one while the size allows, taken from the largest share.
 */
function allocate(populations: readonly number[], size: number): number[] {
  const total = populations.reduce((a, b) => a + b, 0);
  const target = Math.min(size, total);
  if (target === 0) return populations.map(() => 0);
  const exact = populations.map((p) => (p * target) / total);
  const shares = exact.map(Math.floor);
  let rest = target - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (rest === 0) break;
    shares[i]!++;
    rest--;
  }
  if (target >= populations.length) {
    for (let i = 0; i < shares.length; i++) {
      if (shares[i]! > 0) continue;
      const largest = shares.indexOf(Math.max(...shares));
      shares[largest]!--;
      shares[i] = 1;
    }
  }
  return shares;
}

/**
 * Weighted sampling without replacement (Efraimidis–Spirakis): each conversation draws u^(1/w) and
 * the largest keys win, so a negative conversation with weight w is w times as likely to be drawn first.
 */
export function drawSample(conversations: readonly Conversation[], request: SampleRequest, config: QualityConfig['sampling']): Sample {
  const weight = request.negativeWeight ?? config.negativeWeight;
  const ended = conversations.filter((c) => c.status === 'ended' && c.agentId !== undefined);
  const byAgent = new Map<string, Conversation[]>();
  for (const c of [...ended].sort((a, b) => a.id.localeCompare(b.id))) byAgent.set(c.agentId!, [...(byAgent.get(c.agentId!) ?? []), c]);
  const agents = [...byAgent.keys()].sort();
  const shares = allocate(agents.map((a) => byAgent.get(a)!.length), request.size);

  const strata = agents.map((agentId, i) => {
    // One stream per agent, so adding another agent's conversations does not reshuffle this agent's draw.
    const random = seededRandom(`${request.seed}\u0000${agentId}`);
    const population = byAgent.get(agentId)!;
    const keyed = population.map((c) => {
      const negative = isNegative(c, config);
      return { c, negative, key: Math.pow(random(), 1 / (negative ? weight : 1)) };
    });
    const sampled = [...keyed].sort((a, b) => b.key - a.key).slice(0, shares[i]);
    return { agentId, population: population.length, negatives: keyed.filter((k) => k.negative).length, sampled: sampled.map((s) => s.c.id) };
  });
  return {
    seed: request.seed,
    size: request.size,
    negativeWeight: weight,
    population: ended.length,
    strata,
    conversationIds: strata.flatMap((s) => s.sampled),
  };
}
