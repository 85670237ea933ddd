import { z } from 'zod';
import { CHECKLIST_ITEMS, type ChecklistItemId } from '../domain/quality.ts';

/** The schema of config/quality.yaml. Every threshold of the service-quality practice lives there. */

const hours = z.number().positive();
const texts = z.object({ en: z.string().min(1), zh: z.string().min(1) });
const phrases = z.array(z.string().min(1));


const itemRecord = <T extends z.ZodType>(value: T) =>
  z.object(Object.fromEntries(CHECKLIST_ITEMS.map((id) => [id, value])) as Record<ChecklistItemId, T>);

export const QualityConfigSchema = z.object({
  grading: z.object({
    strength: z.object({ strong: z.number().min(-1).max(0), moderate: z.number().min(-1).max(0) }),
    length: z.object({
      longTurns: z.number().int().min(1),
      longMinutes: z.number().positive(),
      moderateTurns: z.number().int().min(1),
      moderateMinutes: z.number().positive(),
    }),
    emotion: z.object({ labels: z.array(z.string().min(1)), minConfidence: z.number().min(0).max(1) }),
    escalationTriggers: z.array(z.string().min(1)),
    repeatTriggers: z.array(z.string().min(1)),
    legalTriggers: z.array(z.string().min(1)),
    episodeTriggers: z.array(z.string().min(1)),
    repeatContactDays: z.number().positive(),
    points: z.object({
      strong: z.number().min(0),
      moderate: z.number().min(0),
      long: z.number().min(0),
      moderateLength: z.number().min(0),
      escalationPhrase: z.number().min(0),
      maxEscalationPoints: z.number().min(0),
      repeatContact: z.number().min(0),
      emotion: z.number().min(0),
    }),
    complexAt: z.number().positive(),
    majorAt: z.number().positive(),
    majorWhenRepeatAndStrong: z.boolean(),
  }),
  deadlines: z.object({
    general: z.object({ respondHours: hours, resolveHours: hours }),
    complex: z.object({ respondHours: hours, resolveHours: hours }),
    major: z.object({ managerHours: hours, respondHours: hours, resolveHours: hours }),
  }),
  acknowledge: z.object({
    minutes: z.object({ info: z.number().positive(), warning: z.number().positive(), critical: z.number().positive() }),
    chain: z.array(z.string().min(1)).min(1),
    tickSeconds: z.number().positive(),
  }),
  idleEnd: z.object({
    minutes: z.object({ chat: z.number().positive(), voice: z.number().positive() }),
    tickSeconds: z.number().positive(),
  }),
  checklist: z.object({
    queues: z.record(z.string(), z.array(z.enum(CHECKLIST_ITEMS)).min(1)).refine((q) => 'default' in q, 'needs a default queue'),
    greetingWithinAgentTurns: z.number().int().min(1),
    phrases: itemRecord(phrases),
    nearEnd: phrases,
    prompts: itemRecord(texts),
  }),
  metrics: z.object({
    teams: z.record(z.string(), z.array(z.string().min(1))),
    /** An agent reply to a waiting chat customer within this many seconds meets the response standard. */
    responseStandardSeconds: z.number().positive(),
    star: z.object({
      weights: z.object({ endMood: z.number().min(0), moodChange: z.number().min(0), checklist: z.number().min(0) }),
      priorConversations: z.number().min(0),
    }),
  }),
  churn: z.object({
    recentConversations: z.number().int().min(2),
    minConversations: z.number().int().min(2),
    minSlope: z.number(),
    minLatest: z.number().min(0).max(1),
  }),
  sampling: z.object({ negativeWeight: z.number().positive(), negativeBelow: z.number().min(-1).max(1) }),
  scorecard: z.object({
    /** Criteria are scored in whole points from 0 to this. */
    scale: z.number().int().min(1).max(100),
    criteria: z
      .array(
        z.object({
          id: z.string().min(1),
          label: z.string().min(1),
          weight: z.number().positive(),
          auto: z
            .union([z.templateLiteral(['checklist:', z.enum(CHECKLIST_ITEMS)]), z.literal('sentiment:end'), z.literal('recovered')])
            .optional(),
        }),
      )
      .min(1),
  }),
});
export type QualityConfig = z.infer<typeof QualityConfigSchema>;
