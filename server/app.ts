import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { Metrics } from './api/metrics.ts';
import { qualityRoutes } from './api/quality.ts';
import { invalid, refusal, refuse } from './api/refusal.ts';
import { apiRoutes } from './api/routes.ts';
import { TokenService } from './auth/tokens.ts';
import type { Commands } from './commands.ts';
import { compose } from './compose.ts';
import { ROOT, type Config } from './config.ts';
import { DueTicker } from './due-ticker.ts';
import { isRedisUnavailable } from './redis/index.ts';
import { Ingest } from './ingest/accept.ts';
import { adapterRoutes } from './ingest/adapters/http.ts';
import { ingestRoutes } from './ingest/http.ts';
import { attachIngestNamespace } from './ingest/socket.ts';
import { publishTo, type Publisher } from './outcome.ts';
import type { Pipeline } from './pipeline.ts';
import { IdleEnder, nextEscalationAt } from './quality/index.ts';
import { attachRealtime, openNamespaces, roomPublisher } from './realtime/index.ts';
import { nextTimedCheckAt } from './rules/index.ts';
import { summaryWriter } from './reports/index.ts';
import type { Scorer } from './scoring/index.ts';
import type { Store } from './store/index.ts';
import { startWebhooks } from './webhooks/index.ts';

export interface Rapport {
  url: string;
  http: HttpServer;
  io: SocketServer;
  pipeline: Pipeline;
  commands: Commands;
  ingest: Ingest;
  tokens: TokenService;
  store: Store;
  scorer: Scorer;
  /** Escalates alerts nobody acknowledged in time. */
  deadlines: DueTicker;
  /** Ends conversations left silent. */
  idleEnd: IdleEnder;
  /** Clock ticks for the timed rules (customer waits, silent calls). */
  ruleTicker: DueTicker;
  close(): Promise<void>;
}

const CLIENT_DIST = path.join(ROOT, 'client', 'dist');
/** Room for a 500-turn batch of long turns; larger bodies get a 413 that says so. */
const BODY_LIMIT = '4mb';

/** Seconds a 503 asks the sender to wait before retrying. */
const RETRY_AFTER_S = 2;

const jsonErrors =
  (log: Logger): ErrorRequestHandler =>
  (error: { type?: string; status?: number; message?: string }, req, res, _next) => {
    if (error.type === 'entity.parse.failed') refuse(res, invalid([{ field: '(body)', message: `not valid JSON: ${error.message}` }]));
    else if (isRedisUnavailable(error)) refuse(res, refusal('unavailable', 'the store is unreachable; retry shortly', undefined, RETRY_AFTER_S));
    else if (error.type === 'entity.too.large') refuse(res, refusal('too_large', `body larger than ${BODY_LIMIT}`, [{ field: '(body)', message: `body larger than ${BODY_LIMIT}` }]));
    else if (error.status && error.status < 500) refuse(res, refusal('invalid', error.message ?? 'bad request'));
    else {
      log.error({ err: error, path: req.path }, 'request failed');
      refuse(res, refusal('internal', 'internal error; it has been logged'));
    }
  };

/**
 * Wires the pieces together from the configuration: scorer, store, the publishers every stored change
 * goes to, pipeline and commands, HTTP and sockets.
 */
export async function createRapport(config: Config, log: Logger, clock: () => number = Date.now): Promise<Rapport> {
  const metrics = new Metrics();
  const { scorer, backend, live, offline, timedRules, analytics } = await compose(config, log, clock, (model, size, ms) => metrics.observeBatch(model, size, ms));
  const { store, queue } = backend;
  const tokens = new TokenService(config.secret, { revocations: store, maxLifetimeS: config.tokenMaxLifetimeS });

  const app = express();
  const http = createServer(app);
  const io = new SocketServer(http, {
    // A brief disconnect (a laptop switching networks) replays what was missed instead of losing it.
    // Middlewares run on a recovered connection too: the token is checked again, and the session must be its own.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    // Above the largest valid turn, so an oversized one gets a validation error, not a dropped socket.
    maxHttpBufferSize: 2e6,
  });
  const namespaces = openNamespaces(io, tokens, backend.limits);

  // Where every stored change goes, in this order.
  const { url: webhookUrl, ...webhook } = config.webhook;
  const onWebhookError = (err: unknown) => log.error({ err }, 'webhook delivery failed');
  const webhooks = webhookUrl ? startWebhooks({ tokens, clock, queue: await backend.webhookQueue(), url: webhookUrl, ...webhook, onError: onWebhookError }) : undefined;
  const deadlines = new DueTicker((c) => nextEscalationAt(c.alerts, config.quality.acknowledge), clock);
  const idleEnd = new IdleEnder(store, config.quality.idleEnd, clock);
  const ruleTicker = new DueTicker((c, now) => nextTimedCheckAt(timedRules, c, now), clock);
  const failures: Publisher = { publish: (o) => o.kind === 'failed' && log.error({ err: o.error, conversationId: o.conversationId }, 'turn processing failed') };
  const publisher = publishTo(
    roomPublisher(namespaces, clock),
    metrics.publisher(clock),
    webhooks?.publisher,
    config.summaryDir ? summaryWriter(config.summaryDir, clock, log) : undefined,
    deadlines,
    idleEnd,
    ruleTicker,
    failures,
  );

  const { pipeline, commands } = live(publisher);
  metrics.observePending(() => pipeline.pending);
  metrics.observeQueue(queue);
  const ingest = new Ingest(pipeline, commands, clock, (r) => (r.ok ? metrics.turnsAccepted.inc() : metrics.turnsRejected.inc({ code: r.code })), config.secret);

  app.disable('x-powered-by');
  app.use(backend.limits.http());
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(ingestRoutes(ingest, tokens));
  app.use(adapterRoutes({ ingest, commands, scorecard: config.quality.scorecard, tokens, store, offline, clock }));
  if (webhooks) app.use(webhooks.routes);
  app.use(apiRoutes({ store, pipeline, commands, tokens, metrics, clock, models: scorer.models }));
  app.use(qualityRoutes({ store, commands, tokens, config: config.quality, clock }));
  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST));
    // The client routes (agent, supervisor, qa) are one page app.
    app.get(/^\/(agent|supervisor|qa|team)?\/?$/, (_req, res) => res.sendFile(path.join(CLIENT_DIST, 'index.html')));
  } else {
    app.get('/', (_req, res) => res.type('text').send('The Rapport client is not built: run `npm run build:client`.'));
  }
  app.use((req, res) => refuse(res, refusal('not_found', `no route ${req.method} ${req.path}`)));
  app.use(jsonErrors(log));

  attachRealtime({ namespaces, commands, store, clock, log, limits: backend.limits });
  attachIngestNamespace(io, ingest, tokens, backend.limits, log);
  // Only once every listener is attached: a worker may start on turns other processes queued.
  await pipeline.start();
  await deadlines.start(async (id) => (await commands.escalateOverdue(id)).length > 0, store, config.quality.acknowledge.tickSeconds);
  await idleEnd.start(commands);
  await ruleTicker.start(async (id) => (await commands.judgeTimedRules(id)).length > 0, store, config.rules.tickSeconds);

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
    commands,
    ingest,
    tokens,
    store,
    scorer,
    deadlines,
    idleEnd,
    ruleTicker,
    async close() {
      deadlines.stop();
      idleEnd.stop();
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
