import { io as connect, type Socket } from 'socket.io-client';
import type { Alert } from '../../server/domain/alert.ts';
import type { Conversation } from '../../server/domain/conversation.ts';
import { TokenService, type Role } from '../../server/auth/tokens.ts';
import { idSegment, type RedisClient } from '../../server/redis/index.ts';
import { TEST_SECRET } from '../support/server.ts';
import type { RapportProcess } from './processes.ts';

/**
 * The scale-out test's load and its audit: a planned set of conversations (which turn of which must
 * raise an escalation), its delivery to whichever process answers, and what Redis holds afterwards
 * checked against the plan.
 */

export const AGENTS = 10;
const SHARDS = 16;

/** Sentences with no escalation phrase in them, so the expected escalation alerts follow from the texts alone. */
const CUSTOMER_FILLER = [
  'My internet has been slow all week.',
  'Thank you, that is really helpful.',
  'This is so frustrating, nothing works.',
  'Okay, I understand.',
  'The router light is blinking orange.',
  'Great, it looks better now.',
];
const AGENT_FILLER = ['I can help you with that.', 'Let me check your account.', 'Thanks for your patience.', 'I have reset the line on our side.'];
/** One escalation phrase per group of config/rules.yaml; each fires `escalation-phrase` whatever the model says. */
const ESCALATIONS = [
  'If this is not fixed I will call my lawyer.',
  'I want to cancel my subscription.',
  'I want a refund for this month.',
  'Let me speak to a supervisor.',
  'I am going to file a complaint.',
];

export interface PlannedTurn {
  conversationId: string;
  turnId: string;
  speaker: 'customer' | 'agent';
  text: string;
  agentId: string;
}

export interface Plan {
  /** rounds[r] = the r-th turn of every conversation. */
  rounds: PlannedTurn[][];
  /** conversationId -> the turn id whose text must raise an escalation alert. */
  escalations: Map<string, string>;
  order: Map<string, string[]>;
}

export function plan(prefix: string, conversations: number, turnsPer: number): Plan {
  const rounds: PlannedTurn[][] = Array.from({ length: turnsPer }, () => []);
  const escalations = new Map<string, string>();
  const order = new Map<string, string[]>();
  for (let c = 0; c < conversations; c++) {
    const conversationId = `${prefix}-conv-${c}`;
    // Six in ten conversations escalate once, at a customer turn that depends on the conversation.
    const escalateAt = c % 10 < 6 ? 2 * (2 + (c % 7)) : -1;
    for (let t = 0; t < turnsPer; t++) {
      const speaker = t % 2 === 0 ? 'customer' : 'agent';
      const turnId = `${conversationId}-t${t}`;
      let text = speaker === 'customer' ? CUSTOMER_FILLER[(c + t) % CUSTOMER_FILLER.length]! : AGENT_FILLER[(c + t) % AGENT_FILLER.length]!;
      if (t === escalateAt) {
        text = ESCALATIONS[c % ESCALATIONS.length]!;
        escalations.set(conversationId, turnId);
      }
      rounds[t]!.push({ conversationId, turnId, speaker, text, agentId: `${prefix}-agent-${c % AGENTS}` });
      order.set(conversationId, [...(order.get(conversationId) ?? []), turnId]);
    }
  }
  return { rounds, escalations, order };
}

const tokens = new TokenService(TEST_SECRET);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const token = (role: Role, id: string) => tokens.issue({ id, role, name: id });

/**
 * Posts one batch to a process and moves on to the next process on any failure (refused connection,
 * a 5xx, a partial result), resending the same turn ids: a resent turn is answered as a duplicate.
 */
export async function deliver(processes: RapportProcess[], first: number, batch: PlannedTurn[], counts: { retries: number; duplicates: number }): Promise<void> {
  const auth = `Bearer ${await token('ingest', 'loadgen')}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    const target = processes[(first + attempt) % processes.length]!;
    try {
      const res = await fetch(`${target.url}/api/turns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(batch.map((t) => ({ ...t, channel: 'chat' }))),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { results?: { ok: boolean; duplicate?: boolean; code?: string }[] };
      if (res.status === 400) throw new Error(`rejected as invalid: ${JSON.stringify(body)}`);
      if (res.status === 202 && body.results) {
        counts.duplicates += body.results.filter((r) => r.duplicate).length;
        return;
      }
    } catch (error) {
      if ((error as Error).message.startsWith('rejected')) throw error;
    }
    counts.retries++;
    await sleep(100);
  }
  throw new Error('a batch was not accepted by any process after 200 attempts');
}

export async function sendRounds(processes: RapportProcess[], p: Plan, between: (round: number) => Promise<void>): Promise<{ retries: number; duplicates: number }> {
  const counts = { retries: 0, duplicates: 0 };
  for (const [r, round] of p.rounds.entries()) {
    await between(r);
    // Each batch holds at most one turn per conversation, and the next round waits for this one:
    // the order a conversation's turns were acknowledged in is the order they must be scored in.
    const batches = Array.from({ length: 5 }, (_, b) => round.filter((_, i) => i % 5 === b));
    await Promise.all(batches.map((batch, b) => deliver(processes, r + b, batch, counts)));
  }
  return counts;
}

/** Entries read and not yet acknowledged, summed over the shards, for the consumers that match. */
export async function pendingOf(redis: RedisClient, consumer: (name: string) => boolean): Promise<number> {
  const summaries = await Promise.all(Array.from({ length: SHARDS }, (_, s) => redis.xPending(`rapport:turns:${s}`, 'scorers')));
  return summaries
    .flatMap((x) => x.consumers ?? [])
    .filter(({ name }) => consumer(name))
    .reduce((n, { deliveriesCounter }) => n + Number(deliveriesCounter), 0);
}

export async function storedConversations(redis: RedisClient, ids: string[]): Promise<Map<string, Conversation>> {
  const docs = await Promise.all(ids.map((id) => redis.hGet(`rapport:conv:${idSegment(id)}`, 'doc')));
  return new Map(docs.flatMap((doc, i) => (doc ? [[ids[i]!, JSON.parse(doc) as Conversation]] : [])));
}

export async function allScored(redis: RedisClient, p: Plan): Promise<boolean> {
  const stored = await storedConversations(redis, [...p.order.keys()]);
  return [...p.order].every(([id, turnIds]) => (stored.get(id)?.turns.length ?? 0) >= turnIds.length);
}

/** Losses, duplicates and order breaks against the plan: the figures the report asks for. */
export function audit(stored: Map<string, Conversation>, p: Plan) {
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  const examples: string[] = [];
  for (const [id, expected] of p.order) {
    const got = stored.get(id)?.turns.map((t) => t.turnId) ?? [];
    lost += expected.filter((t) => !got.includes(t)).length;
    duplicated += got.length - new Set(got).size;
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      outOfOrder++;
      examples.push(`${id}: ${got.map((t) => t.slice(t.lastIndexOf('-') + 1)).join(' ')}`);
    }
  }
  return { lost, duplicated, outOfOrder, examples };
}

export function escalationAlerts(c: Conversation | undefined): Alert[] {
  return c?.alerts.filter((a) => a.rule === 'escalation-phrase') ?? [];
}

export async function socketOn(url: string, namespace: string, auth: string): Promise<Socket> {
  const socket = connect(`${url}${namespace}`, { auth: { token: auth }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
