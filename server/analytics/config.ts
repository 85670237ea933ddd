import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SATISFACTION_FEATURES } from '../domain/satisfaction.ts';

/** The schema of config/analytics.yaml: predicted satisfaction and contact reasons. */

const featureRecord = z.object(Object.fromEntries(SATISFACTION_FEATURES.map((f) => [f, z.number()])) as Record<(typeof SATISFACTION_FEATURES)[number], z.ZodNumber>);
const SatisfactionModelSchema = z.object({ intercept: z.number(), mean: featureRecord, std: featureRecord, weights: featureRecord });
export const SatisfactionWeightsSchema = z.object({ models: z.object({ en: SatisfactionModelSchema, zh: SatisfactionModelSchema.optional() }) });

const texts = z.object({ en: z.string().min(1), zh: z.string().min(1) });

export const AnalyticsFileSchema = z.object({
  satisfaction: z.object({
    /** The fitted weights (npm run eval:satisfaction -- --write), relative to the project root. */
    weights: z.string().min(1),
  }),
  contactReason: z.object({
    /** A transformers.js intent classifier (a folder in models/ or a path), or "none". */
    model: z.string().min(1),
    /** The classifier's guess counts from this calibrated confidence; keywords always count. */
    minConfidence: z.number().min(0).max(1),
    /** The reason is settled from the customer's first turns: a later "thanks, bye" is no reason. */
    fromCustomerTurns: z.number().int().min(1),
    keywords: z.array(z.object({ id: z.string().regex(/^[\w-]+$/u), label: texts, phrases: z.array(z.string().min(1)).min(1) })),
  }),
  afterCall: z.object({
    /** What an agent says when handing the contact on: the after-call outcome is then "escalated". */
    agentEscalationPhrases: z.array(z.string().min(1)).min(1),
  }),
});

export type AnalyticsConfig = z.infer<typeof AnalyticsFileSchema> & { satisfactionWeights: z.infer<typeof SatisfactionWeightsSchema> };

function readChecked<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** config/analytics.yaml and the satisfaction weights it names (a path relative to `root`). */
export function loadAnalyticsConfig(file: string, root: string): AnalyticsConfig {
  const config = readChecked(file, AnalyticsFileSchema);
  return { ...config, satisfactionWeights: readChecked(path.resolve(root, config.satisfaction.weights), SatisfactionWeightsSchema) };
}
