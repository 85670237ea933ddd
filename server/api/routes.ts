import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/http.ts';
import { canSeeConversation, type TokenService } from '../auth/tokens.ts';
import { summarize, viewOf, type Conversation } from '../domain/conversation.ts';
import type { Commands } from '../commands.ts';
import type { ConversationExport, ConversationFacets, ConversationPage, NoteResponse } from '../contract/index.ts';
import { redactText } from '../domain/pii.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import { postContactSummary } from '../reports/index.ts';
import type { Metrics } from './metrics.ts';
import { EpochParam } from './query.ts';
import { invalidInput, refusal, refuse } from './refusal.ts';

const boolean = z.enum(['true', 'false']).transform((v) => v === 'true');

const ListQuery = z.strictObject({
  status: z.enum(['live', 'ended']).optional(),
  agentId: z.string().optional(),
  from: EpochParam.optional(),
  to: EpochParam.optional(),
  /** Conversations whose final customer mood is at least this. */
  minSentiment: z.coerce.number().min(-1).max(1).optional(),
  hasAlerts: boolean.optional(),
  recovered: boolean.optional(),
  /** Words that must all appear in the transcript (any speaker), case-insensitive. */
  q: z.string().trim().max(200).optional(),
  queue: z.string().optional(),
  customerId: z.string().optional(),
  /** The conversation's headline complaint grade, or `none` for conversations without a complaint. */
  grade: z.enum(['none', 'general', 'complex', 'major']).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  /** Contact reason id (config/analytics.yaml keyword id or intent label). */
  reason: z.string().max(128).optional(),
  /** Conversations whose predicted satisfaction (1-5) is at most this: the ones worth a QA look. */
  maxSatisfaction: z.coerce.number().min(1).max(5).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
type ListQuery = z.infer<typeof ListQuery>;

/** Most conversations one export carries; narrow the filter for more. */
const EXPORT_MAX = 5000;

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

  /** The conversations a query matches, newest first, with their summaries; agents only ever get their own. */
  const matching = async (q: ListQuery, principal: NonNullable<Request['principal']>) => {
    const agentId = principal.role === 'agent' ? principal.id : q.agentId;
    const now = clock();
    const words = (q.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const found = await store.list({ status: q.status, agentId, from: q.from, to: q.to });
    return found
      .filter(
        (c) =>
          (q.queue === undefined || c.queue === q.queue) &&
          (q.customerId === undefined || c.customerId === q.customerId) &&
          (words.length === 0 || words.every((w) => c.turns.some((t) => t.text.toLowerCase().includes(w)))),
      )
      .map((c) => ({ c, s: summarize(c, now) }))
      .filter(
        ({ s }) =>
          (q.minSentiment === undefined || (s.endSentiment ?? 0) >= q.minSentiment) &&
          (q.hasAlerts === undefined || s.alertsTotal > 0 === q.hasAlerts) &&
          (q.recovered === undefined || s.recovered === q.recovered) &&
          (q.grade === undefined || (s.complaint?.grade ?? 'none') === q.grade) &&
          (q.reason === undefined || s.contactReason?.id === q.reason) &&
          (q.maxSatisfaction === undefined || (s.predictedSatisfaction !== undefined && s.predictedSatisfaction.Score <= q.maxSatisfaction)),
      )
      .sort((a, b) => (b.s.endedAt ?? b.s.updatedAt) - (a.s.endedAt ?? a.s.updatedAt) || (a.s.id < b.s.id ? -1 : 1));
  };

  /** The list query, or undefined once the refusal is sent. */
  const parseList = (req: Request, res: Response): ListQuery | undefined => {
    const parsed = ListQuery.safeParse(req.query);
    if (!parsed.success) refuse(res, invalidInput(parsed.error, '(query)'));
    return parsed.data;
  };

  /** A page of matching conversations and how many match in all. */
  router.get('/api/conversations', anyUser, async (req, res) => {
    const q = parseList(req, res);
    if (!q) return;
    const all = await matching(q, req.principal!);
    res.json({
      conversations: all.slice(q.offset, q.offset + q.limit).map(({ s }) => s),
      total: all.length,
      offset: q.offset,
    } satisfies ConversationPage);
  });

  /** Every matching conversation in full (turns, alerts, prompts), for a bulk export; at most EXPORT_MAX. */
  router.get('/api/conversations/export', anyUser, async (req, res) => {
    const q = parseList(req, res);
    if (!q) return;
    const all = await matching(q, req.principal!);
    if (all.length > EXPORT_MAX) {
      refuse(res, refusal('too_large', `${all.length} conversations match; narrow the filter to at most ${EXPORT_MAX}`));
      return;
    }
    const now = clock();
    res.json({ conversations: all.map(({ c }) => viewOf(c, now)), total: all.length } satisfies ConversationExport);
  });

  /** The agents, customers and queues of the conversations with this status, for the QA filter lists. */
  router.get('/api/conversations/facets', anyUser, async (req, res) => {
    const q = parseList(req, res);
    if (!q) return;
    const all = await matching({ ...q, agentId: undefined, customerId: undefined, queue: undefined, reason: undefined }, req.principal!);
    const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();
    const reasons = new Map(all.flatMap(({ c }) => (c.contactReason ? [[c.contactReason.id, c.contactReason.label] as const] : [])));
    res.json({
      agents: distinct(all.map(({ c }) => c.agentId)),
      customers: distinct(all.map(({ c }) => c.customerId)),
      queues: distinct(all.map(({ c }) => c.queue)),
      reasons: [...reasons].map(([id, label]) => ({ id, label })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    } satisfies ConversationFacets);
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
