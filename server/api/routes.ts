import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/http.ts';
import { canSeeConversation, type TokenService } from '../auth/tokens.ts';
import { summarize, viewOf, type Conversation } from '../domain/conversation.ts';
import { describe } from '../ingest/schema.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import { postContactSummary } from '../summary/post-contact.ts';
import type { Metrics } from './metrics.ts';

const boolean = z.enum(['true', 'false']).transform((v) => v === 'true');
const epoch = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

const ListQuery = z.strictObject({
  status: z.enum(['live', 'ended']).optional(),
  agentId: z.string().optional(),
  from: epoch.optional(),
  to: epoch.optional(),
  /** Conversations whose final customer mood is at least this. */
  minSentiment: z.coerce.number().min(-1).max(1).optional(),
  hasAlerts: boolean.optional(),
  recovered: boolean.optional(),
  /** Contact reason id (config/analytics.yaml keyword id or intent label). */
  reason: z.string().max(128).optional(),
  /** Conversations whose predicted satisfaction (1-5) is at most this: the ones worth a QA look. */
  maxSatisfaction: z.coerce.number().min(1).max(5).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export interface ApiDeps {
  store: Store;
  pipeline: Pipeline;
  tokens: TokenService;
  metrics: Metrics;
  clock: () => number;
  models: { sentiment: string; emotion?: string };
}

/** REST for screens and QA. Routes translate HTTP to store reads and pipeline calls; they decide nothing. */
export function apiRoutes({ store, pipeline, tokens, metrics, clock, models }: ApiDeps): Router {
  const router = Router();
  const anyUser = requireRole(tokens, ['agent', 'supervisor', 'qa']);

  router.get('/api/me', anyUser, (req, res) => {
    res.json(req.principal);
  });

  router.get('/api/conversations', anyUser, async (req, res) => {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ errors: describe(parsed.error) });
      return;
    }
    const q = parsed.data;
    const principal = req.principal!;
    // Agents only ever see their own conversations, whatever they ask for.
    const agentId = principal.role === 'agent' ? principal.id : q.agentId;
    const now = clock();
    const found = await store.list({ status: q.status, agentId, from: q.from, to: q.to });
    const summaries = found
      .map((c) => summarize(c, now))
      .filter(
        (s) =>
          (q.minSentiment === undefined || (s.endSentiment ?? 0) >= q.minSentiment) &&
          (q.hasAlerts === undefined || s.alertsTotal > 0 === q.hasAlerts) &&
          (q.recovered === undefined || s.recovered === q.recovered) &&
          (q.reason === undefined || s.contactReason?.id === q.reason) &&
          (q.maxSatisfaction === undefined || (s.predictedSatisfaction !== undefined && s.predictedSatisfaction.Score <= q.maxSatisfaction)),
      )
      .slice(0, q.limit);
    res.json({ conversations: summaries });
  });

  /** One conversation, as one of its renderings, to whoever may see it. */
  const oneConversation =
    (render: (c: Conversation, now: number) => unknown): RequestHandler =>
    async (req, res) => {
      const c = await store.get(req.params.id as string);
      if (!c) {
        res.status(404).json({ error: `no conversation ${req.params.id}` });
        return;
      }
      if (!canSeeConversation(req.principal!, c)) {
        res.status(403).json({ error: 'this conversation belongs to another agent' });
        return;
      }
      res.json(render(c, clock()));
    };
  router.get('/api/conversations/:id', anyUser, oneConversation(viewOf));
  router.get('/api/conversations/:id/summary', anyUser, oneConversation(postContactSummary));

  router.put('/api/conversations/:id/note', requireRole(tokens, ['qa', 'supervisor']), async (req, res) => {
    const note = z.strictObject({ note: z.string().max(5000) }).safeParse(req.body);
    if (!note.success) {
      res.status(400).json({ errors: describe(note.error) });
      return;
    }
    const updated = await pipeline.setQaNote(req.params.id as string, note.data.note);
    if (!updated) res.status(404).json({ error: `no conversation ${req.params.id}` });
    else res.json({ ok: true, qaNote: updated.qaNote });
  });

  router.post('/api/alerts/:id/ack', requireRole(tokens, ['supervisor']), async (req, res) => {
    const alert = await pipeline.acknowledgeAlert(req.params.id as string, req.principal!.name);
    if (!alert) res.status(404).json({ error: `no alert ${req.params.id}` });
    else res.json(alert);
  });

  router.get('/healthz', async (_req, res) => {
    const storeReady = await store.ready().catch(() => false);
    res.status(storeReady ? 200 : 503).json({ status: storeReady ? 'ok' : 'unavailable', store: { kind: store.kind, ready: storeReady }, queue: pipeline.queue.kind, models, pending: pipeline.pending });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
