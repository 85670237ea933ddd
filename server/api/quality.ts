import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/http.ts';
import { canSeeConversation, type TokenService } from '../auth/tokens.ts';
import type { Conversation } from '../domain/conversation.ts';
import type { Commands } from '../commands.ts';
import type { ChurnResponse, ConversationQualityReport, QaSampleResponse, ScorecardRollupResponse } from '../contract/index.ts';
import { editScorecard, newScorecard, redactScorecardEdit, rollup, ScorecardEditSchema, ScorecardEditError, withFeedback, type QualityConfig } from '../quality/index.ts';
import { churnRisks, conversationMetrics, correctionsTsv, drawSample, feedbackReport, metricsReport, promptEffect } from '../reports/index.ts';
import { redactText } from '../domain/pii.ts';
import type { Store } from '../store/index.ts';
import type { Scorecard } from '../domain/quality.ts';
import { EpochParam } from './query.ts';
import { invalidInput, refusal, refuse } from './refusal.ts';

export interface QualityApiDeps {
  store: Store;
  commands: Commands;
  tokens: TokenService;
  config: QualityConfig;
  clock: () => number;
  newId?: () => string;
}

const DAY = 86_400_000;
/** Without `from`, reports look back this far. */
const DEFAULT_PERIOD_DAYS = 30;
const Period = z.object({ from: EpochParam.optional(), to: EpochParam.optional() });
const MetricsQuery = Period.extend({ team: z.string().min(1).optional(), status: z.enum(['ended', 'live', 'all']).default('ended') });
const SampleBody = z
  .strictObject({
    from: EpochParam,
    to: EpochParam,
    size: z.number().int().min(1).max(1000).default(20),
    seed: z.string().min(1).max(100).optional(),
    negativeWeight: z.number().positive().max(100).optional(),
  })
  .refine((b) => b.to >= b.from, { message: 'must not be before from', path: ['to'] });
const FeedbackBody = z.strictObject({
  conversationId: z.string().min(1),
  target: z.enum(['alert', 'prompt']),
  id: z.string().min(1),
  verdict: z.enum(['wrong', 'helpful']),
  correctLabel: z.enum(['negative', 'neutral', 'positive']).optional(),
});

function invalid(res: Response, error: z.ZodError): void {
  refuse(res, invalidInput(error));
}
const noConversation = (res: Response, id: string) => refuse(res, refusal('not_found', `no conversation ${id}`));
const notYours = (res: Response) => refuse(res, refusal('forbidden', 'this conversation belongs to another agent'));

/**
 * Service-quality REST: metrics and churn for supervisors; QA samples and scorecards for QA (and
 * supervisors); alert and prompt feedback for anyone signed in, agents on their own conversations only.
 * Routes read the store and call pure functions in server/quality; writes are commands.
 */
export function qualityRoutes({ store, commands, tokens, config, clock, newId = randomUUID }: QualityApiDeps): Router {
  const router = Router();
  const supervisors = requireRole(tokens, ['supervisor']);
  const qa = requireRole(tokens, ['qa', 'supervisor']);
  const anyUser = requireRole(tokens, ['agent', 'supervisor', 'qa']);
  const inPeriod = (p: { from?: number; to?: number }) => store.list({ from: p.from ?? clock() - DEFAULT_PERIOD_DAYS * DAY, to: p.to });

  router.get('/api/metrics/agents', supervisors, async (req, res) => {
    const q = MetricsQuery.safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const { status, team, ...period } = q.data;
    const found = (await inPeriod(period)).filter((c) => status === 'all' || c.status === status);
    res.json(metricsReport(found, config.metrics, clock(), { ...period, team }));
  });

  router.get('/api/metrics/conversations/:id', anyUser, async (req, res) => {
    const c = await store.get(req.params.id as string);
    if (!c) return noConversation(res, req.params.id as string);
    if (!canSeeConversation(req.principal!, c)) return notYours(res);
    const report: ConversationQualityReport = {
      metrics: conversationMetrics(c, config.metrics, clock()),
      checklist: c.checklist,
      complaints: c.complaints ?? [],
      promptEffects: c.prompts.map((p) => promptEffect(c, p)),
      scorecard: req.principal!.role === 'agent' && c.scorecard?.status !== 'final' ? undefined : c.scorecard,
    };
    res.json(report);
  });

  router.get('/api/churn', supervisors, async (req, res) => {
    const q = Period.safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const body: ChurnResponse = { customers: churnRisks(await inPeriod(q.data), config.churn) };
    res.json(body);
  });

  router.post('/api/qa/samples', qa, async (req, res) => {
    const body = SampleBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const { from, to, size, negativeWeight } = body.data;
    // Without a seed one is made up and returned, so the same sample can be drawn again.
    const seed = body.data.seed === undefined ? newId().slice(0, 8) : redactText(body.data.seed);
    const population = await store.list({ from, to, status: 'ended' });
    const sample = drawSample(population, { size, seed, negativeWeight }, config.sampling);
    const sampled = new Set(sample.conversationIds);
    const conversations = population.filter((c) => sampled.has(c.id)).map((c) => ({ id: c.id, agentId: c.agentId, customerId: c.customerId, startedAt: c.startedAt }));
    const sampleId = `${new Date(from).toISOString()}..${new Date(to).toISOString()}#${seed}`;
    const scorecards = await Promise.all(
      sample.conversationIds.map((id) =>
        commands.updateConversation(id, (c): { conversation: Conversation; result: Scorecard } => {
          if (c.scorecard) return { conversation: c, result: c.scorecard };
          const scorecard = newScorecard(config.scorecard, c, clock(), sampleId);
          return { conversation: { ...c, scorecard }, result: scorecard };
        }),
      ),
    );
    const response: QaSampleResponse = { sampleId, from, to, sample, conversations, scorecards: scorecards.filter((s): s is Scorecard => s !== undefined) };
    res.json(response);
  });

  router.get('/api/qa/scorecards/rollup', qa, async (req, res) => {
    const q = Period.safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const cards = (await inPeriod(q.data)).map((c) => c.scorecard).filter((s): s is Scorecard => s !== undefined);
    const body: ScorecardRollupResponse = { agents: rollup(cards) };
    res.json(body);
  });

  router.get('/api/qa/scorecards/:conversationId', qa, async (req, res) => {
    const c = await store.get(req.params.conversationId as string);
    if (!c) return noConversation(res, req.params.conversationId as string);
    // A conversation outside any sample still gets an auto-filled draft, saved on the first edit.
    res.json(c.scorecard ?? newScorecard(config.scorecard, c, clock()));
  });

  router.put('/api/qa/scorecards/:conversationId', qa, async (req, res) => {
    const parsed = ScorecardEditSchema.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const edit = redactScorecardEdit(parsed.data);
    const by = req.principal!.name;
    try {
      const card = await commands.updateConversation(req.params.conversationId as string, (c) => {
        const scorecard = editScorecard(c.scorecard ?? newScorecard(config.scorecard, c, clock()), edit, by, clock());
        return { conversation: { ...c, scorecard }, result: scorecard };
      });
      if (!card) noConversation(res, req.params.conversationId as string);
      else res.json(card);
    } catch (error) {
      if (!(error instanceof ScorecardEditError)) throw error;
      refuse(res, refusal('invalid', error.message, [{ field: 'criteria', message: error.message }]));
    }
  });

  router.post('/api/feedback', anyUser, async (req, res) => {
    const body = FeedbackBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const { conversationId, ...input } = body.data;
    const principal = req.principal!;
    const c = await store.get(conversationId);
    if (!c) return noConversation(res, conversationId);
    if (!canSeeConversation(principal, c)) return notYours(res);
    const id = newId();
    const feedback = await commands.updateConversation(conversationId, (current) => {
      const done = withFeedback(current, input, { by: principal.id, role: principal.role }, clock(), id);
      return done && { conversation: done.conversation, result: done.feedback };
    });
    if (!feedback) refuse(res, refusal('not_found', `no ${input.target} ${input.id} in conversation ${conversationId}`));
    else res.status(201).json(feedback);
  });

  router.get('/api/feedback/report', qa, async (req, res) => {
    const q = Period.safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    res.json(feedbackReport(await inPeriod(q.data)));
  });

  router.get('/api/feedback/export.tsv', qa, async (req, res) => {
    const q = Period.safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    res
      .type('text/tab-separated-values; charset=utf-8')
      .attachment('rapport-corrections.tsv')
      .send(correctionsTsv(await inPeriod(q.data)));
  });

  return router;
}
