import { loadConfig } from '../../server/config.ts';
import { newConversation, type Conversation } from '../../server/domain/conversation.ts';
import type { Score, Speaker, Turn } from '../../server/domain/turn.ts';
import { Commands } from '../../server/commands.ts';
import { DueTicker } from '../../server/due-ticker.ts';
import { publishTo, type Outcome } from '../../server/outcome.ts';
import { Pipeline } from '../../server/pipeline.ts';
import type { Scorer } from '../../server/scoring/index.ts';
import { MemoryStore } from '../../server/store/index.ts';
import { createQuality, IdleEnder, nextEscalationAt } from '../../server/quality/index.ts';
import { createRules } from '../../server/rules/index.ts';
import { createTurnStages, stepTurn, type TurnStep } from '../../server/stages/index.ts';
import { scoreOf, turnOf } from './turns.ts';

export const config = loadConfig(['--demo'], {});
export const quality = createQuality(config.quality, config.rules);
const rules = createRules(config.rules);
const stages = createTurnStages({ rules, resolveAbove: config.rules.resolveAbove, playbook: config.playbook, quality });

export type Line = [Speaker, string, Score?, Partial<Turn>?];

/** One line through the pipeline's own stages (`stepTurn`), at the turn's own time. */
export function step(c: Conversation | undefined, [speaker, text, score, extra]: Line, over: Partial<Turn> = {}, newId: () => string = () => `s${Math.random()}`): TurnStep {
  const turn = turnOf(speaker, text, { ...over, ...extra });
  return stepTurn(stages, c ?? newConversation(turn), { turn, score: score ?? scoreOf('neutral') }, { now: turn.at, newId });
}

/** Plays lines through the pipeline's stages, the way the pipeline does but without store or queue. */
export function play(lines: Line[], over: Partial<Turn> = {}, start?: Conversation): Conversation {
  let ids = 0;
  let c = start;
  for (const line of lines) c = step(c, line, over, () => `id${++ids}`).conversation;
  return c!;
}

/** A scorer without a model: negative or positive by keyword, neutral otherwise. */
const keywordScorer: Scorer = {
  models: { sentiment: 'keywords' },
  async score({ text }): Promise<Score> {
    if (/terrible|awful|useless|cancel/i.test(text)) return scoreOf('negative');
    if (/thanks|great|perfect/i.test(text)) return scoreOf('positive');
    return scoreOf('neutral');
  },
  queued: () => 0,
  close: async () => {},
};

export const MINUTE = 60_000;
export const T0 = 1_800_000_000_000;

/**
 * A pipeline, its commands, a deadline ticker and an idle-end sweeper on a memory store, a keyword scorer and a settable
 * clock; every published outcome is kept in `published`.
 */
export async function rig(store = new MemoryStore(), clock = { now: T0 }) {
  let ids = 0;
  const published: Outcome[] = [];
  const ticker = new DueTicker((c) => nextEscalationAt(c.alerts, config.quality.acknowledge), () => clock.now);
  const idle = new IdleEnder(store, config.quality.idleEnd, () => clock.now);
  const publisher = publishTo({ publish: (o) => published.push(o) }, ticker, idle);
  const pipeline = new Pipeline({
    publisher,
    store,
    scorer: keywordScorer,
    rules,
    resolveAbove: config.rules.resolveAbove,
    playbook: config.playbook,
    maxPending: 100,
    maxLive: 100,
    quality,
    clock: () => clock.now,
    newId: () => `id${++ids}`,
  });
  await pipeline.start();
  const commands = new Commands({ order: pipeline, store, publisher, acknowledge: config.quality.acknowledge, timedRules: [], playbook: config.playbook, clock: () => clock.now, newId: () => `id${++ids}` });
  await ticker.start(async (id) => (await commands.escalateOverdue(id)).length > 0, store, 0);
  await idle.start(commands, false);
  let turn = 0;
  const say = async (conversationId: string, speaker: Turn['speaker'], text: string, over: Partial<Turn> = {}) => {
    await pipeline.accept({ conversationId, turnId: `${conversationId}-${++turn}`, speaker, text, channel: 'chat', final: true, at: clock.now, agentId: 'alice', customerId: 'cust-1', ...over });
    await pipeline.idle();
  };
  return { store, pipeline, commands, ticker, idle, clock, say, published };
}
