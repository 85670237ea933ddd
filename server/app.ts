import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { analyticsFor } from './analytics/index.ts';
import { Metrics } from './api/metrics.ts';
import { qualityRoutes } from './api/quality.ts';
import { apiRoutes } from './api/routes.ts';
import { TokenService } from './auth/tokens.ts';
import { openBackend } from './backend.ts';
import { ROOT, type Config } from './config.ts';
import { Ingest } from './ingest/accept.ts';
import { adapterRoutes } from './ingest/adapters/http.ts';
import { offlineScoringFor } from './ingest/adapters/offline.ts';
import { ingestRoutes } from './ingest/http.ts';
import { attachIngestNamespace } from './ingest/socket.ts';
import { Pipeline } from './pipeline.ts';
import { DeadlineTicker } from './quality/deadline-ticker.ts';
import { createQuality } from './quality/index.ts';
import { attachRealtime } from './realtime/namespaces.ts';
import { createRules, createTimedRules } from './rules/index.ts';
import { RuleTicker } from './rules/ticker.ts';
import { createScorer, type Scorer, type ScorerOptions } from './scoring/index.ts';
import type { Store } from './store/index.ts';
import { writeSummariesOnEnd } from './summary/files.ts';
import { startWebhooks, webhookQueueFor } from './webhooks/index.ts';

export interface Rapport {
  url: string;
  http: HttpServer;
  io: SocketServer;
  pipeline: Pipeline;
  ingest: Ingest;
  tokens: TokenService;
  store: Store;
  scorer: Scorer;
  /** Escalates alerts nobody acknowledged in time. */
  deadlines: DeadlineTicker;
  /** Clock ticks for the timed rules (customer waits, silent calls). */
  ruleTicker: RuleTicker;
  close(): Promise<void>;
}

const CLIENT_DIST = path.join(ROOT, 'client', 'dist');
/** Room for a 500-turn batch of long turns; larger bodies get a 413 that says so. */
const BODY_LIMIT = '4mb';

const jsonErrors: ErrorRequestHandler = (error: { type?: string; status?: number; message?: string }, _req, res, _next) => {
  if (error.type === 'entity.parse.failed') res.status(400).json({ ok: false, code: 'invalid', errors: [{ field: '(body)', message: `not valid JSON: ${error.message}` }] });
  else if (error.type === 'entity.too.large') res.status(413).json({ ok: false, code: 'invalid', errors: [{ field: '(body)', message: `body larger than ${BODY_LIMIT}` }] });
  else res.status(error.status ?? 500).json({ ok: false, error: error.status ? error.message : 'internal error' });
};

/** The configured scorer: the server's, and `rapport score`'s. */
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

/** Wires the pieces together from the configuration: scorer, store, pipeline, HTTP and sockets. */
export async function createRapport(config: Config, log: Logger, clock: () => number = Date.now): Promise<Rapport> {
  const metrics = new Metrics();
  const scorer = await scorerFor(config, (model, size, ms) => metrics.observeBatch(model, size, ms));
  const analytics = await analyticsFor(config);
  const backend = openBackend(config, log);
  const { store, queue } = backend;
  const tokens = new TokenService(config.secret);
  const timedRules = createTimedRules(config.rules);
  const pipeline = new Pipeline({
    store,
    scorer,
    rules: createRules(config.rules),
    timedRules,
    resolveAbove: config.rules.resolveAbove,
    playbook: config.playbook,
    maxPending: config.scoring.maxPending,
    queue,
    quality: createQuality(config.quality, config.rules),
    analytics,
    clock,
  });
  metrics.observe(pipeline, clock);
  metrics.observeQueue(queue);
  pipeline.on('failed', (error, conversationId) => log.error({ err: error, conversationId }, 'turn processing failed'));
  const ingest = new Ingest(pipeline, clock, (r) => (r.ok ? metrics.turnsAccepted.inc() : metrics.turnsRejected.inc({ code: r.code })));

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(ingestRoutes(ingest, tokens));
  app.use(adapterRoutes({ ingest, tokens, store, offline: offlineScoringFor(config, scorer, analytics), clock }));
  if (config.summaryDir) writeSummariesOnEnd(pipeline, config.summaryDir, clock, log);
  const { url: webhookUrl, ...webhook } = config.webhook;
  const onWebhookError = (err: unknown) => log.error({ err }, 'webhook delivery failed');
  const webhooks = webhookUrl ? startWebhooks({ pipeline, tokens, clock, queue: webhookQueueFor(config.redisUrl), url: webhookUrl, ...webhook, onError: onWebhookError }) : undefined;
  if (webhooks) app.use(webhooks.routes);
  app.use(apiRoutes({ store, pipeline, tokens, metrics, clock, models: scorer.models }));
  app.use(qualityRoutes({ store, pipeline, tokens, config: config.quality, clock }));
  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST));
    // The client routes (agent, supervisor, qa) are one page app.
    app.get(/^\/(agent|supervisor|qa|team)?\/?$/, (_req, res) => res.sendFile(path.join(CLIENT_DIST, 'index.html')));
  } else {
    app.get('/', (_req, res) => res.type('text').send('The Rapport client is not built: run `npm run build:client`.'));
  }
  app.use(jsonErrors);

  const http = createServer(app);
  const io = new SocketServer(http, {
    // A brief disconnect (a laptop switching networks) replays what was missed instead of losing it.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    // Above the largest valid turn, so an oversized one gets a validation error, not a dropped socket.
    maxHttpBufferSize: 2e6,
  });
  attachRealtime({ io, pipeline, store, tokens, clock });
  attachIngestNamespace(io, ingest, tokens);
  // Only once every listener is attached: a worker may start on turns other processes queued.
  await pipeline.start();
  const deadlines = new DeadlineTicker(pipeline, store, config.quality.acknowledge, clock);
  await deadlines.start();
  const ruleTicker = new RuleTicker(pipeline, timedRules, clock);
  await ruleTicker.start(store, config.rules.tickSeconds);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url, model: scorer.models, store: store.kind, queue: queue.kind }, 'rapport is listening');

  return {
    url,
    http,
    io,
    pipeline,
    ingest,
    tokens,
    store,
    scorer,
    deadlines,
    ruleTicker,
    async close() {
      deadlines.stop();
      ruleTicker.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await queue.close();
      await pipeline.idle();
      await webhooks?.stop();
      await store.close();
      await backend.close();
      await scorer.close();
      await analytics.intents?.dispose();
    },
  };
}
