import { Router, type Response } from 'express';
import { requireRole } from '../auth/http.ts';
import type { TokenService } from '../auth/tokens.ts';
import { invalid, refusal, refuse, STATUS_OF } from '../api/refusal.ts';
import type { Ingest, IngestResult, Refusal } from './accept.ts';
import { MAX_BATCH } from './schema.ts';

/**
 * Sends `body` (the results listed one by one) with the status the results add up to. A payload
 * refused whole is a refusal too, with the first turn's reason as its message, so a client that only
 * reads `message` still learns why.
 */
export function sendResults(res: Response, results: readonly IngestResult[], body: object): void {
  const status = statusOf(results);
  const refused = results.find((r): r is Refusal => !r.ok);
  if (status >= 400 && refused) res.status(status).json({ ...refusal(refused.code, `no turn of the ${results.length} was accepted; the first: ${refused.message}`), ...body });
  else res.status(status).json(body);
}

function statusOf(results: readonly IngestResult[]): number {
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
    if (!Array.isArray(body)) {
      if (!results[0]!.ok) refuse(res, results[0]!);
      else res.status(202).json(results[0]);
      return;
    }
    const accepted = results.filter((r) => r.ok).length;
    sendResults(res, results, { accepted, rejected: results.length - accepted, results: results.map((r, index) => ({ index, ...r })) });
  });

  router.post('/api/conversations/:id/end', requireRole(tokens, ['ingest', 'supervisor']), async (req, res) => {
    const result = await ingest.end({ ...(req.body ?? {}), conversationId: req.params.id });
    if (result.ok) res.json(result);
    else refuse(res, result);
  });
  return router;
}
