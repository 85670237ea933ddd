import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/http.ts';
import { canSeeConversation, type TokenService } from '../auth/tokens.ts';
import { summarize, viewOf, type Conversation } from '../domain/conversation.ts';
import type { Commands } from '../commands.ts';
import type { ConversationListResponse, NoteResponse } from '../contract/index.ts';
import { redactText } from '../domain/pii.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import { postContactSummary } from '../reports/index.ts';
import type { Metrics } from './metrics.ts';
import { invalidInput, refusal, refuse } from './refusal.ts';

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
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export interface ApiDeps {
  store: Store;
  pipeline: Pipeline;
  commands: Commands;
  tokens: TokenService;
  metrics: Metrics;
  clock: () => number;
  models: { sentiment: string; emotion?: string };
}

/** REST for screens and QA. Routes translate HTTP to store reads and commands; they decide nothing. */
export function apiRoutes({ store, pipeline, commands, tokens, metrics, clock, models }: ApiDeps): Router {
  const router = Router();
  const anyUser = requireRole(tokens, ['agent', 'supervisor', 'qa']);

  router.get('/api/me', anyUser, (req, res) => {
    res.json(req.principal);
  });

  router.get('/api/conversations', anyUser, async (req, res) => {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) {
      refuse(res, invalidInput(parsed.error, '(query)'));
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
          (q.recovered === undefined || s.recovered === q.recovered),
      )
      .slice(0, q.limit);
    res.json({ conversations: summaries } satisfies ConversationListResponse);
  });

  /** One conversation, as one of its renderings, to whoever may see it. */
  const oneConversation =
    (render: (c: Conversation, now: number) => unknown): RequestHandler =>
    async (req, res) => {
      const c = await store.get(req.params.id as string);
      if (!c) {
        refuse(res, refusal('not_found', `no conversation ${req.params.id}`));
        return;
      }
      if (!canSeeConversation(req.principal!, c)) {
        refuse(res, refusal('forbidden', 'this conversation belongs to another agent'));
        return;
      }
      res.json(render(c, clock()));
    };
  router.get('/api/conversations/:id', anyUser, oneConversation(viewOf));
  router.get('/api/conversations/:id/summary', anyUser, oneConversation(postContactSummary));

  router.put('/api/conversations/:id/note', requireRole(tokens, ['qa', 'supervisor']), async (req, res) => {
    const note = z.strictObject({ note: z.string().max(5000) }).safeParse(req.body);
    if (!note.success) {
      refuse(res, invalidInput(note.error));
      return;
    }
    const updated = await commands.setQaNote(req.params.id as string, redactText(note.data.note));
    if (!updated) refuse(res, refusal('not_found', `no conversation ${req.params.id}`));
    else res.json({ ok: true, qaNote: updated.qaNote } satisfies NoteResponse);
  });

  router.post('/api/alerts/:id/ack', requireRole(tokens, ['supervisor']), async (req, res) => {
    const alert = await commands.acknowledgeAlert(req.params.id as string, req.principal!.name);
    if (!alert) refuse(res, refusal('not_found', `no alert ${req.params.id}`));
    else res.json(alert);
  });

  router.get('/healthz', async (_req, res) => {
    const storeReady = await store.ready().catch(() => false);
    res.status(storeReady ? 200 : 503).json({ status: storeReady ? 'ok' : 'unavailable', store: { kind: store.kind, ready: storeReady }, queue: pipeline.queue.kind, models, pending: pipeline.pending });
  });

  /** Signs out: without a body, the caller's own token; a supervisor may name any token id. */
  router.post('/api/tokens/revoke', requireRole(tokens, ['agent', 'supervisor', 'qa', 'ingest', 'metrics']), async (req, res) => {
    const body = z.strictObject({ jti: z.string().min(1).max(128).optional() }).safeParse(req.body ?? {});
    if (!body.success) return refuse(res, invalidInput(body.error));
    const principal = req.principal!;
    const jti = body.data.jti ?? principal.tokenId;
    if (jti !== principal.tokenId && principal.role !== 'supervisor') return refuse(res, refusal('forbidden', 'only a supervisor may revoke another sign-in'));
    await (jti === principal.tokenId ? tokens.revoke(jti, principal.expiresAt) : tokens.revoke(jti));
    res.json({ ok: true, revoked: jti });
  });

  router.get('/metrics', requireRole(tokens, ['metrics']), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
