/**
 * One load-generator process of `npm run bench:live`, forked by bench/live.ts for up to ~100
 * conversations. It connects an /ingest socket (the chat platform), one /agent socket per conversation
 * and a /supervisor socket, sends each conversation's turns on a fixed beat, and times every event
 * against the send of the turn that caused it. Sender and receivers live in this one process, so every
 * latency is a difference of this process's performance.now(): one clock, no cross-process skew.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { Alert } from '../server/domain/alert.ts';
import type { Prompt } from '../server/domain/prompt.ts';
import type { IngestResultReply, TurnEvent } from '../server/contract/index.ts';
import { TokenService } from '../server/auth/tokens.ts';

export interface ConversationPlan {
  id: string;
  agentId: string;
  /** Turn texts in order: customer, agent, customer, … */
  texts: string[];
}

export interface ClientPlan {
  url: string;
  secret: string;
  conversations: ConversationPlan[];
  turnsPerConversation: number;
  intervalMs: number;
  /** After the last send, how long to wait for outstanding events. */
  drainMs: number;
}

export interface ClientResult {
  sent: number;
  accepted: number;
  /** Refusals by code (e.g. saturated): counted, never silently dropped. */
  rejected: Record<string, number>;
  /** Accepted turns whose scored turn never reached the agent within the drain time. */
  unscored: number;
  /** turn sent -> scored turn on the agent socket; -> prompt on the agent socket; -> alert on the supervisor socket (ms). */
  scoredMs: number[];
  promptMs: number[];
  alertMs: number[];
  /** Scored turns received while turns were being sent, and that span: the sustained rate. */
  scoredInWindow: number;
  windowMs: number;
}

export type ClientMessage = { type: 'connected' } | { type: 'done'; result: ClientResult } | { type: 'error'; message: string };
export type ClientCommand = { type: 'plan'; plan: ClientPlan } | { type: 'go' } | { type: 'finish' };

/**
 * Contact-center escalations appended to every other customer turn, so the rules open alerts and the
 * playbook sends prompts for both models (the benchmark model's random weights never look negative).
 */
const ESCALATIONS = [
  'I want to cancel my subscription.',
  'I want a refund.',
  'Let me talk to your manager.',
  'I want to make a complaint.',
  'This is the third time I have called.',
  'I will talk to my lawyer.',
];

const send = (message: ClientMessage) => process.send!(message);

function open(url: string, namespace: string, token: string): Promise<Socket> {
  const socket = connect(`${url}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function textOf(c: ConversationPlan, k: number): { speaker: 'customer' | 'agent'; text: string } {
  const speaker = k % 2 === 0 ? 'customer' : 'agent';
  const text = c.texts[k % c.texts.length]!;
  return { speaker, text: speaker === 'customer' && k % 4 === 0 ? `${text} ${ESCALATIONS[(k / 4) % ESCALATIONS.length]}` : text };
}

async function run(plan: ClientPlan): Promise<void> {
  const tokens = new TokenService(plan.secret);
  const ingest = await open(plan.url, '/ingest', await tokens.issue({ id: 'bench-ingest', role: 'ingest' }));
  const supervisor = await open(plan.url, '/supervisor', await tokens.issue({ id: `bench-supervisor-${process.pid}`, role: 'supervisor' }));
  const agents = await Promise.all(plan.conversations.map(async (c) => open(plan.url, '/agent', await tokens.issue({ id: c.agentId, role: 'agent' }))));

  const sentAt = new Map<string, number>();
  const scored = new Set<string>();
  const prompted = new Set<string>();
  const alerted = new Set<string>();
  const result: ClientResult = { sent: 0, accepted: 0, rejected: {}, unscored: 0, scoredMs: [], promptMs: [], alertMs: [], scoredInWindow: 0, windowMs: plan.turnsPerConversation * plan.intervalMs };
  let sending = true;

  for (const agent of agents) {
    agent.on('turn', (e: TurnEvent) => {
      const at = sentAt.get(e.turn.turnId);
      if (at === undefined || scored.has(e.turn.turnId)) return;
      scored.add(e.turn.turnId);
      result.scoredMs.push(performance.now() - at);
      if (sending) result.scoredInWindow++;
    });
    agent.on('prompt', (p: Prompt) => {
      const at = p.turnId === undefined ? undefined : sentAt.get(p.turnId);
      if (at === undefined || prompted.has(p.turnId!)) return;
      prompted.add(p.turnId!);
      result.promptMs.push(performance.now() - at);
    });
  }
  // Every supervisor sees every alert; each process times those its own turns caused (the latest evidence).
  const onAlert = (a: Alert) => {
    const now = performance.now();
    const mine = a.evidence.map((id) => [id, sentAt.get(id)] as const).filter((e): e is [string, number] => e[1] !== undefined);
    if (mine.length === 0) return;
    const [turnId, at] = mine.reduce((latest, e) => (e[1] > latest[1] ? e : latest));
    const key = `${a.id}/${turnId}`;
    if (alerted.has(key)) return;
    alerted.add(key);
    result.alertMs.push(now - at);
  };
  supervisor.on('alert', onAlert);
  supervisor.on('alert:update', onAlert);

  send({ type: 'connected' });
  await new Promise<void>((resolve) => process.once('message', (m: ClientCommand) => m.type === 'go' && resolve()));

  const started = performance.now();
  const sends = plan.conversations.map((c) => {
    // Spread over one beat, so load is even rather than a burst every intervalMs.
    const offset = Math.random() * plan.intervalMs;
    return (async () => {
      for (let k = 0; k < plan.turnsPerConversation; k++) {
        const due = started + offset + k * plan.intervalMs;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const turnId = `${c.id}-t${k}`;
        const { speaker, text } = textOf(c, k);
        const turn = { conversationId: c.id, turnId, speaker, text, agentId: c.agentId, channel: 'chat' };
        sentAt.set(turnId, performance.now());
        result.sent++;
        ingest.emit('turn', turn, (reply: IngestResultReply) => {
          if (reply.ok) result.accepted++;
          else {
            sentAt.delete(turnId);
            result.rejected[reply.code ?? 'error'] = (result.rejected[reply.code ?? 'error'] ?? 0) + 1;
          }
        });
      }
    })();
  });
  await Promise.all(sends);
  const windowEnd = started + result.windowMs;
  await new Promise((r) => setTimeout(r, Math.max(0, windowEnd - performance.now())));
  sending = false;
  const drainUntil = performance.now() + plan.drainMs;
  while (scored.size < sentAt.size && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  result.unscored = sentAt.size - scored.size;
  send({ type: 'done', result });

  await new Promise<void>((resolve) => process.once('message', (m: ClientCommand) => m.type === 'finish' && resolve()));
  await Promise.all(
    plan.conversations.map((c) => new Promise((resolve) => ingest.timeout(10_000).emit('conversation:end', { conversationId: c.id }, resolve))),
  );
  for (const s of [ingest, supervisor, ...agents]) s.disconnect();
  process.exit(0);
}

process.once('message', (m: ClientCommand) => {
  if (m.type !== 'plan') return;
  run(m.plan).catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
});
