import { Router } from 'express';
import { requireRole } from '../auth/http.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Ingest, IngestResult, Refusal, RejectionCode } from './accept.ts';
import { MAX_BATCH } from './schema.ts';

const STATUS: Record<RejectionCode, number> = { invalid: 400, ended: 409, unknown: 404, saturated: 503, unavailable: 503 };
/** Seconds a sender refused with 503 (saturated, store unavailable) should wait before resending. */
const RETRY_AFTER_S = 2;

export function statusOf(results: readonly IngestResult[]): number {
  const rejected = results.filter((r): r is Refusal => !r.ok);
  if (rejected.length === 0) return 202;
  if (rejected.length < results.length) return 207;
  return STATUS[rejected[0]!.code];
}

/**
 * POST /api/turns takes one turn or an array of up to 500. Each turn is judged on its own: valid ones
 * are accepted even when others in the batch are not, and the reply lists every result by index.
 */
export function ingestRoutes(ingest: Ingest, tokens: TokenService): Router {
  const router = Router();

  router.post('/api/turns', requireRole(tokens, ['ingest']), async (req, res) => {
    const body: unknown = req.body;
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0 || items.length > MAX_BATCH) {
      res.status(400).json({ ok: false, code: 'invalid', errors: [{ field: '(body)', message: `send one turn or an array of 1 to ${MAX_BATCH} turns` }] });
      return;
    }
    const results: IngestResult[] = [];
    // One after another, so that turns of one conversation keep the order they were sent in.
    for (const raw of items) results.push(await ingest.turn(raw));
    const status = statusOf(results);
    if (status === 503) res.set('Retry-After', String(RETRY_AFTER_S));
    if (!Array.isArray(body)) {
      res.status(status).json(results[0]);
      return;
    }
    const accepted = results.filter((r) => r.ok).length;
    res.status(status).json({ accepted, rejected: results.length - accepted, results: results.map((r, index) => ({ index, ...r })) });
  });

  router.post('/api/conversations/:id/end', requireRole(tokens, ['ingest', 'supervisor']), async (req, res) => {
    const result = await ingest.end({ ...(req.body ?? {}), conversationId: req.params.id });
    const status = result.ok ? 200 : STATUS[result.code];
    if (status === 503) res.set('Retry-After', String(RETRY_AFTER_S));
    res.status(status).json(result);
  });
  return router;
}
