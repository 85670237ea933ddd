import { Router } from 'express';
import { requireRole } from '../auth/http.ts';
import type { TokenService } from '../auth/tokens.ts';
import { refusal, refuse } from '../api/refusal.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import type { WebhookQueue } from './queue.ts';

/** The delivery log and the dead-letter list, for supervisors; a dead letter can be sent again with one call. */
export function webhookRoutes(queue: WebhookQueue, dispatcher: WebhookDispatcher, tokens: TokenService, clock: () => number): Router {
  const router = Router();
  const supervisor = requireRole(tokens, ['supervisor']);

  router.get('/api/webhooks/deliveries', supervisor, async (req, res) => {
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit) || 100));
    res.json({ pending: await queue.pending(), attempts: await queue.recent(limit) });
  });

  router.get('/api/webhooks/dead-letters', supervisor, async (_req, res) => {
    res.json({ deadLetters: await queue.deadLetters() });
  });

  router.post('/api/webhooks/dead-letters/:id/retry', supervisor, async (req, res) => {
    const delivery = await queue.requeue(req.params.id as string, clock());
    if (!delivery) {
      refuse(res, refusal('not_found', `no dead letter ${req.params.id}`));
      return;
    }
    dispatcher.wake();
    res.status(202).json({ ok: true, delivery });
  });
  return router;
}
