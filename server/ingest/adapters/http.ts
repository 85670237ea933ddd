import express, { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../../auth/http.ts';
import type { TokenService } from '../../auth/tokens.ts';
import type { Commands } from '../../commands.ts';
import { viewOf, type Conversation } from '../../domain/conversation.ts';
import { withQaWorkOf, type QualityConfig } from '../../quality/index.ts';
import type { Store } from '../../store/index.ts';
import type { Ingest, IngestResult } from '../accept.ts';
import { invalid, invalidInput, refusal, refuse } from '../../api/refusal.ts';
import { sendResults } from '../http.ts';
import { OTHER_ROLE } from '../roles.ts';
import { IdSchema, MAX_BATCH, type TurnInput } from '../schema.ts';
import { FORMATS, FormatError, parseTranscript, toCanonical, type FormatName } from './index.ts';
import { scoreOffline, type OfflinePipelines } from './offline.ts';

/** The conversation's turns as they come in again, every speaker the other way round. */
function swappedTurns(c: Conversation): TurnInput[] {
  return c.turns.map((t) => ({
    conversationId: t.conversationId,
    turnId: t.turnId,
    speaker: OTHER_ROLE[t.speaker],
    text: t.text,
    channel: t.channel,
    final: true,
    at: t.at,
    endAt: t.endAt,
    agentId: t.agentId,
    customerId: t.customerId,
    queue: t.queue,
    lang: t.lang,
  }));
}

/** Text formats (WebVTT, SRT, CSV, JSON Lines) arrive as text; Contact Lens and Genesys as JSON or JSON Lines. */
const TEXT_TYPES = ['text/*', 'application/x-ndjson', 'application/jsonl', 'application/x-subrip'];
const BODY_LIMIT = '4mb';

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** The query of POST /api/ingest/:format; a misspelt or mistyped option is refused, not ignored. */
const AdapterQuery = z.strictObject({
  conversationId: IdSchema.optional(),
  startAt: z.coerce.number({ error: 'must be epoch milliseconds' }).int('must be epoch milliseconds').nonnegative('must be epoch milliseconds').optional(),
  swapRoles: flag.default(false),
  end: flag.default(true),
});

export interface AdapterDeps {
  ingest: Ingest;
  commands: Commands;
  /** What a scorecard's auto-fill is worked out from, again when the roles are swapped. */
  scorecard: QualityConfig['scorecard'];
  tokens: TokenService;
  store: Store;
  offline: OfflinePipelines;
  clock: () => number;
}

/**
 * POST /api/ingest/:format: a vendor's payload (one Contact Lens or Genesys event, or a whole file)
 * turned into canonical turns and sent through the ingest door, in order. Query: conversationId (for
 * formats that do not name one), startAt (epoch ms the recording began, for offset-only formats),
 * swapRoles=true (agent and customer the other way round), end=false (keep the conversation open
 * even though the payload says it ended).
 */
export function adapterRoutes({ ingest, commands, scorecard, tokens, store, offline, clock }: AdapterDeps): Router {
  const router = Router();
  router.post(
    '/api/ingest/:format',
    requireRole(tokens, ['ingest']),
    express.text({ type: TEXT_TYPES, limit: BODY_LIMIT }),
    async (req, res) => {
      const format = req.params.format as FormatName;
      if (!FORMATS.includes(format)) {
        refuse(res, refusal('not_found', `unknown format; one of ${FORMATS.join(', ')}`, [{ field: 'format', message: `unknown format; one of ${FORMATS.join(', ')}` }]));
        return;
      }
      const query = AdapterQuery.safeParse(req.query);
      if (!query.success) {
        refuse(res, invalidInput(query.error, '(query)'));
        return;
      }
      const q = query.data;
      let conversations;
      try {
        conversations = toCanonical(parseTranscript(format, req.body), { conversationId: q.conversationId, startAt: q.startAt, swapRoles: q.swapRoles });
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        refuse(res, invalid([{ field: error.where, message: error.detail }]));
        return;
      }
      const total = conversations.reduce((n, c) => n + c.turns.length, 0);
      if (total > MAX_BATCH) {
        refuse(res, invalid([{ field: '(body)', message: `${total} turns in one payload; send at most ${MAX_BATCH} at a time` }]));
        return;
      }
      const replies = [];
      for (const c of conversations) {
        const results: IngestResult[] = [];
        // One after another, so that turns keep the order the vendor sent them in.
        for (const turn of c.turns) results.push(await ingest.turn(turn));
        const end = c.ended && q.end ? await ingest.end({ conversationId: c.conversationId }) : undefined;
        const accepted = results.filter((r) => r.ok).length;
        replies.push({ conversationId: c.conversationId, roles: c.roles, accepted, rejected: results.length - accepted, ended: end?.ok === true, results });
      }
      sendResults(res, replies.flatMap((r) => r.results), { format, conversations: replies });
    },
  );

  /**
   * The one action that corrects roles inferred the wrong way round, after the fact: every turn's
   * speaker is swapped and the conversation re-scored (emotions and alerts follow the customer), as if
   * it had come in that way, keeping what people wrote about it (server/quality/rescored.ts). Only for
   * ended conversations: a live one would race its own new turns.
   */
  router.post('/api/conversations/:id/swap-roles', requireRole(tokens, ['supervisor', 'qa']), async (req, res) => {
    const c = await store.get(req.params.id as string);
    if (!c) {
      refuse(res, refusal('not_found', `no conversation ${req.params.id}`));
      return;
    }
    if (c.status !== 'ended') {
      refuse(res, refusal('conflict', 'swap roles once the conversation has ended, or send it with swapRoles=true'));
      return;
    }
    // In the conversation's order, and over its state as it is when the re-scoring is done: a note or a scorecard edit made meanwhile is kept.
    const swapped = await commands.reworkConversation(c.id, async (stored) => {
      const { conversation } = await scoreOffline(stored.id, swappedTurns(stored), offline);
      return (current) => {
        const updated = withQaWorkOf(conversation, current, scorecard, clock());
        return { conversation: updated, result: updated };
      };
    });
    if (!swapped) refuse(res, refusal('not_found', `no conversation ${req.params.id}`));
    else res.json(viewOf(swapped, clock()));
  });
  return router;
}
