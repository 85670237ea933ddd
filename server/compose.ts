import type { Logger } from 'pino';
import { analyticsFor, type Analytics } from './analytics/index.ts';
import { openBackend, type Backend } from './backend.ts';
import type { Config } from './config.ts';
import { Commands } from './commands.ts';
import type { Playbook } from './guidance/index.ts';
import type { OfflinePipelines } from './ingest/adapters/offline.ts';
import { publishTo, type Publisher } from './outcome.ts';
import { Pipeline } from './pipeline.ts';
import { createQuality, type Quality } from './quality/index.ts';
import { createRules, createTimedRules, type Rule, type TimedRule } from './rules/index.ts';
import { createScorer, type Scorer, type ScorerOptions } from './scoring/index.ts';
import { MemoryStore, type Store } from './store/index.ts';

/**
 * The composition root: the one place that turns a Config into a scorer, a backend (store, turn queue,
 * webhook queue, socket.io adapter: memory or Redis, chosen once in openBackend) and pipelines. The
 * server (app.ts, and so main.ts, every cluster process and bench:live), `rapport score` and the file
 * import routes all get theirs here.
 */

/** What a pipeline is made of besides where its state lives, from the configuration. */
interface PipelineParts {
  scorer: Scorer;
  rules: readonly Rule[];
  resolveAbove: number;
  playbook: Playbook;
  maxPending: number;
  maxLive: number;
  quality: Quality;
  /** Rules about time passing without a turn, judged by a command on the rule ticker's ticks. */
  timedRules: readonly TimedRule[];
  /** Predicted satisfaction, the contact reason and the after-call summary; none: the analytics stage changes nothing. */
  analytics?: Analytics;
}

/** The configured scorer. */
export function scorerFor(config: Config, onBatch?: ScorerOptions['onBatch']): Promise<Scorer> {
  return createScorer({
    sentimentModel: config.model,
    emotionModel: config.emotionModel,
    modelsDir: config.modelsDir,
    allowDownload: config.allowDownload,
    threads: config.threads,
    maxBatch: config.scoring.maxBatch,
    maxWaitMs: config.scoring.maxWaitMs,
    maxQueue: config.scoring.maxPending,
    onBatch,
  });
}

function pipelineParts(config: Config, scorer: Scorer, analytics: Analytics | undefined): PipelineParts {
  return {
    scorer,
    analytics,
    timedRules: createTimedRules(config.rules),
    rules: createRules(config.rules),
    resolveAbove: config.rules.resolveAbove,
    playbook: config.playbook,
    maxPending: config.scoring.maxPending,
    maxLive: config.maxLive,
    quality: createQuality(config.quality, config.rules),
  };
}

/** A pipeline and the commands beside it on one store, publishing every stored change to one publisher. */
export interface Live {
  pipeline: Pipeline;
  commands: Commands;
}

function live(parts: PipelineParts, acknowledge: Config['quality']['acknowledge'], store: Store, publisher: Publisher, clock: () => number, queue?: Backend['queue']): Live {
  const pipeline = new Pipeline({ ...parts, store, publisher, clock, ...(queue ? { queue } : {}) });
  const commands = new Commands({ order: pipeline, store, publisher, acknowledge, timedRules: parts.timedRules, playbook: parts.playbook, clock });
  return { pipeline, commands };
}

/** Offline pipelines (one conversation scored exactly as it would have been live) with the configured rules, playbook and service-quality practice. */
export function offlinePipelinesFor(config: Config, scorer: Scorer, analytics?: Analytics): OfflinePipelines {
  const parts = pipelineParts(config, scorer, analytics);
  return (clock) => {
    const store = new MemoryStore();
    // Nobody listens to an offline run: its result is the stored conversation.
    return { ...live(parts, config.quality.acknowledge, store, publishTo(), clock), store, timedRules: parts.timedRules };
  };
}

export interface Composition {
  scorer: Scorer;
  backend: Backend;
  /** The live pipeline and its commands on the backend's store and queue, publishing to `publisher`; not started. */
  live(publisher: Publisher): Live;
  offline: OfflinePipelines;
  /** The timed rules the commands judge, for the rule ticker that ticks them. */
  timedRules: readonly TimedRule[];
  /** The configured analytics; its intent model is closed with the scorer. */
  analytics: Analytics;
}

/** Everything a Rapport server process scores and keeps state with. */
export async function compose(config: Config, log: Logger, clock: () => number, onBatch?: ScorerOptions['onBatch']): Promise<Composition> {
  // Redis first: an unreachable one fails the start in seconds, before the model loads.
  const backend = await openBackend(config, log);
  const scorer = await scorerFor(config, onBatch);
  const analytics = await analyticsFor(config);
  const parts = pipelineParts(config, scorer, analytics);
  return {
    scorer,
    backend,
    live: (publisher) => live(parts, config.quality.acknowledge, backend.store, publisher, clock, backend.queue),
    offline: offlinePipelinesFor(config, scorer, analytics),
    timedRules: parts.timedRules,
    analytics,
  };
}
