import { summarize, type Conversation } from '../domain/conversation.ts';
import { redactText } from '../domain/pii.ts';
import { z } from 'zod';
import type { QualityConfig } from './config.ts';
import type { Scorecard, ScorecardCriterion } from '../domain/quality.ts';
import { groupBy, mean, roundTo } from '../lib/index.ts';

/**
 * QA scorecards: the configured criteria, pre-filled where the checklist and the scores already
 * answer, editable by QA. Scores are whole points 0..scale; the total is the weighted mean of the
 * scored criteria as a share of the scale, 0..100.
 */


type ScorecardConfig = QualityConfig['scorecard'];
type Criterion = ScorecardConfig['criteria'][number];

/** The auto-fill as a fraction 0..1 of the full score, or null when it does not apply. */
function autoFraction(auto: Criterion['auto'], c: Conversation): number | null {
  if (auto === undefined) return null;
  const s = summarize(c, c.endedAt ?? c.updatedAt);
  if (auto === 'sentiment:end') return s.endSentiment === null ? null : (s.endSentiment + 1) / 2;
  if (auto === 'recovered') return s.startSentiment === null || s.startSentiment >= 0 ? null : s.recovered ? 1 : 0;
  const item = c.checklist?.items.find((i) => `checklist:${i.id}` === auto);
  // An item the queue does not require is not scored, rather than scored as missed.
  return item === undefined ? null : item.status === 'done' ? 1 : item.status === 'partial' ? 0.5 : 0;
}

/** A criterion's auto-filled score on `scale`, marked as the machine's; null (and no source) where the auto-fill does not apply. */
function autoScore(auto: Criterion['auto'], c: Conversation, scale: number): Pick<ScorecardCriterion, 'score' | 'source'> {
  const fraction = autoFraction(auto, c);
  return fraction === null ? { score: null, source: null } : { score: Math.round(fraction * scale), source: 'auto' };
}

function totalOf(criteria: readonly ScorecardCriterion[], scale: number): number | null {
  const scored = criteria.filter((c) => c.score !== null);
  const weight = scored.reduce((s, c) => s + c.weight, 0);
  return weight === 0 ? null : Number(((100 * scored.reduce((s, c) => s + c.weight * c.score!, 0)) / (weight * scale)).toFixed(1));
}

export function newScorecard(config: ScorecardConfig, c: Conversation, now: number, sampleId?: string): Scorecard {
  const criteria = config.criteria.map((k) => ({ id: k.id, label: k.label, weight: k.weight, ...autoScore(k.auto, c, config.scale) }));
  const scale = config.scale;
  return { conversationId: c.id, agentId: c.agentId, sampleId, criteria, scale, total: totalOf(criteria, scale), status: 'draft', createdAt: now, updatedAt: now };
}

/**
 * The card with its auto-filled scores worked out again from `c` (re-scored, say): a score a person set
 * (`qa`) or cleared stays, and so do the notes, the comment and the status.
 */
export function refreshAutoFill(config: ScorecardConfig, card: Scorecard, c: Conversation): Scorecard {
  const autos = new Map(config.criteria.map((k) => [k.id, k.auto]));
  const criteria = card.criteria.map((k) => (k.source !== 'auto' || !autos.has(k.id) ? k : { ...k, ...autoScore(autos.get(k.id), c, card.scale) }));
  return { ...card, criteria, total: totalOf(criteria, card.scale) };
}

export const ScorecardEditSchema = z.strictObject({
  criteria: z
    .array(z.strictObject({ id: z.string().min(1), score: z.number().int().min(0).nullable(), note: z.string().max(2000).optional() }))
    .optional(),
  comment: z.string().max(5000).optional(),
  status: z.enum(['draft', 'final']).optional(),
});
export type ScorecardEdit = z.infer<typeof ScorecardEditSchema>;

/** QA's free text (the comment, each criterion's note) with PII redacted, before it is stored. */
export function redactScorecardEdit(edit: ScorecardEdit): ScorecardEdit {
  return {
    ...edit,
    comment: edit.comment === undefined ? undefined : redactText(edit.comment),
    criteria: edit.criteria?.map((c) => (c.note === undefined ? c : { ...c, note: redactText(c.note) })),
  };
}

/** An edit that names criteria the card does not have, or scores above the card's scale. */
export class ScorecardEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScorecardEditError';
  }
}

/** QA's edit: scores they set are marked `qa`; the total is recomputed. */
export function editScorecard(card: Scorecard, edit: ScorecardEdit, by: string, now: number): Scorecard {
  const edits = new Map((edit.criteria ?? []).map((e) => [e.id, e]));
  const unknown = [...edits.keys()].filter((id) => !card.criteria.some((c) => c.id === id));
  if (unknown.length > 0) throw new ScorecardEditError(`no such criteria: ${unknown.join(', ')}`);
  const over = [...edits.values()].filter((e) => e.score !== null && e.score > card.scale);
  if (over.length > 0) throw new ScorecardEditError(`scores run from 0 to ${card.scale} whole points: ${over.map((e) => e.id).join(', ')}`);
  const criteria = card.criteria.map((c) => {
    const e = edits.get(c.id);
    return e ? { ...c, score: e.score, source: e.score === null ? null : ('qa' as const), note: e.note ?? c.note } : c;
  });
  return {
    ...card,
    criteria,
    total: totalOf(criteria, card.scale),
    comment: edit.comment ?? card.comment,
    status: edit.status ?? card.status,
    updatedAt: now,
    updatedBy: by,
  };
}

export interface ScorecardRollup {
  agentId: string;
  scorecards: number;
  final: number;
  avgTotal: number | null;
  /** Mean score per criterion id, over the scorecards that scored it. */
  criteria: Record<string, number | null>;
}

export function rollup(cards: readonly Scorecard[]): ScorecardRollup[] {
  const byAgent = groupBy(cards, (card) => card.agentId ?? 'unknown');
  const mean3 = (xs: number[]) => roundTo(mean(xs));
  return [...byAgent]
    .map(([agentId, cs]) => {
      const ids = [...new Set(cs.flatMap((c) => c.criteria.map((k) => k.id)))];
      return {
        agentId,
        scorecards: cs.length,
        final: cs.filter((c) => c.status === 'final').length,
        avgTotal: mean3(cs.map((c) => c.total).filter((t): t is number => t !== null)),
        criteria: Object.fromEntries(
          ids.map((id) => [id, mean3(cs.flatMap((c) => c.criteria.filter((k) => k.id === id && k.score !== null).map((k) => k.score!)))]),
        ),
      };
    })
    .sort((a, b) => a.agentId.localeCompare(b.agentId));
}
