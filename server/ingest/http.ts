import { Router } from 'express';
import { requireRole } from '../auth/http.ts';
import type { TokenService } from '../auth/tokens.ts';
import { invalid, refusal, refuse, STATUS_OF } from '../api/refusal.ts';
import type { Ingest, IngestResult, Refusal } from './accept.ts';
import { MAX_BATCH } from './schema.ts';

export function statusOf(results: readonly IngestResult[]): number {
  const rejected = results.filter((r): r is Refusal => !r.ok);
  if (rejected.length === 0) return 202;
  if (rejected.length < results.length) return 207;
  return STATUS_OF[rejected[0]!.code];
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
      refuse(res, invalid([{ field: '(body)', message: `send one turn or an array of 1 to ${MAX_BATCH} turns` }]));
      return;
    }
    const results: IngestResult[] = [];
    // One after another, so that turns of one conversation keep the order they were sent in.
    for (const raw of items) results.push(await ingest.turn(raw));
    const status = statusOf(results);
    if (!Array.isArray(body)) {
      if (!results[0]!.ok) refuse(res, results[0]!);
      else res.status(status).json(results[0]);
      return;
    }
    const accepted = results.filter((r) => r.ok).length;
    const listed = { accepted, rejected: results.length - accepted, results: results.map((r, index) => ({ index, ...r })) };
    // A batch refused whole is a refusal too, with the first turn's reason as its message.
    const first = results[0]!;
    if (accepted === 0 && !first.ok) res.status(status).json({ ...refusal(first.code, `no turn of the ${results.length} was accepted; the first: ${first.message}`), ...listed });
    else res.status(status).json(listed);
  });

  router.post('/api/conversations/:id/end', requireRole(tokens, ['ingest', 'supervisor']), async (req, res) => {
    const result = await ingest.end({ ...(req.body ?? {}), conversationId: req.params.id });
    if (result.ok) res.json(result);
    else refuse(res, result);
  });
  return router;
}
