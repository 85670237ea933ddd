import type { Config } from '../config.ts';
import type { Conversation } from '../domain/conversation.ts';
import { afterCallSummary } from './after-call.ts';
import { createChecklistDetector, type ChecklistDetector } from '../quality/checklist.ts';
import { intentInWords, type ContactReason, type IntentGuess } from '../domain/contact-reason.ts';
import { detectLanguage } from '../domain/language.ts';
import type { Prompt } from '../domain/prompt.ts';
import { predictSatisfaction, type SatisfactionWeights } from '../domain/satisfaction.ts';
import type { ScoredTurn, Turn } from '../domain/turn.ts';
import { promptsForFindings, type Playbook } from '../guidance/index.ts';
import { PhraseMatcher } from '../rules/phrases.ts';
import { loadClassifier, type Classifier } from '../scoring/index.ts';
import type { AnalyticsConfig } from './config.ts';

export { loadAnalyticsConfig, type AnalyticsConfig } from './config.ts';

/**
 * Conversation analytics beyond per-turn text, built once from config: predicted satisfaction and
 * the contact reason. The pipeline calls `guessIntent` outside its atomic update (a model call) and
 * passes the guess to the analytics stage (server/stages/analytics.ts), which calls `applyAnalytics` (pure).
 */
export interface Analytics {
  satisfaction: SatisfactionWeights;
  reasons: { config: AnalyticsConfig['contactReason']; matchers: { id: string; label: { en: string; zh: string }; matcher: PhraseMatcher }[] };
  intents?: Classifier;
  playbook: Playbook;
  /** The checklist's commitment detection, for the after-call summary. */
  checklist: ChecklistDetector;
  agentEscalation: PhraseMatcher;
}

export function createAnalytics(config: Pick<Config, 'analytics' | 'playbook' | 'quality'>, intents?: Classifier): Analytics {
  const { analytics, playbook } = config;
  return {
    satisfaction: analytics.satisfactionWeights,
    reasons: {
      config: analytics.contactReason,
      matchers: analytics.contactReason.keywords.map((k) => ({ id: k.id, label: k.label, matcher: new PhraseMatcher(k.phrases) })),
    },
    intents,
    playbook,
    checklist: createChecklistDetector(config.quality.checklist),
    agentEscalation: new PhraseMatcher(analytics.afterCall.agentEscalationPhrases),
  };
}

/** The configured analytics, with the intent model loaded unless it is "none" (a missing model is a start-up error). */
export async function analyticsFor(config: Config): Promise<Analytics> {
  const model = config.analytics.contactReason.model;
  const intents = model === 'none' ? undefined : await loadClassifier({ model, modelsDir: config.modelsDir, allowDownload: config.allowDownload, threads: config.threads });
  return createAnalytics(config, intents);
}

/**
 * Whether a customer turn may still set the reason: none settled yet and within the first customer
 * turns (those of `c` before this one; `c` may already hold it).
 */
function reasonOpen(a: Analytics, c: Conversation | undefined, turn: Pick<Turn, 'speaker' | 'turnId'>): boolean {
  if (turn.speaker !== 'customer' || c?.contactReason) return false;
  const customerTurns = c?.turns.filter((t) => t.speaker === 'customer' && t.turnId !== turn.turnId).length ?? 0;
  return customerTurns < a.reasons.config.fromCustomerTurns;
}

/** The intent model's guess for a customer turn while the reason is open; undefined without a model. */
export async function guessIntent(a: Analytics | undefined, c: Conversation | undefined, turn: Turn): Promise<IntentGuess | undefined> {
  if (!a?.intents || !reasonOpen(a, c, turn)) return undefined;
  // A keyword reason wins anyway: no model call for it. The model knows English only (Banking77).
  if (a.reasons.matchers.some((m) => m.matcher.find(turn.text).length > 0) || detectLanguage(turn.text) !== 'en') return undefined;
  const [dist] = await a.intents.classify([turn.text]);
  const [label, confidence] = Object.entries(dist!).reduce((best, e) => (e[1] > best[1] ? e : best));
  return { label, confidence };
}

/** The reason one customer turn gives: a configured keyword reason first, else a confident model guess. */
function reasonOf(a: Analytics, c: Conversation, turn: ScoredTurn, guess: IntentGuess | undefined): ContactReason | undefined {
  const lang = c.lang === 'zh' ? 'zh' : 'en';
  for (const { id, label, matcher } of a.reasons.matchers) {
    const found = matcher.find(turn.text)[0];
    if (found !== undefined) return { id, label: label[lang], source: 'keywords', confidence: 1, turnId: turn.turnId, evidence: found };
  }
  if (guess && guess.confidence >= a.reasons.config.minConfidence) {
    return { id: guess.label, label: intentInWords(guess.label), source: 'model', confidence: Math.round(guess.confidence * 1000) / 1000, turnId: turn.turnId };
  }
  return undefined;
}

export interface AnalyticsStep {
  conversation: Conversation;
  /** Knowledge prompts for a newly settled reason (playbook entries on `reason:<id>`). */
  prompts: Prompt[];
}

/**
 * The analytics step of a scored turn (`c` already holds it): the contact reason while it is open,
 * the predicted satisfaction and the after-call summary so far always. Without analytics it changes nothing.
 */
export function applyAnalytics(a: Analytics | undefined, c: Conversation, turn: ScoredTurn, guess: IntentGuess | undefined, now: number, newId: () => string): AnalyticsStep {
  if (!a) return { conversation: c, prompts: [] };
  const reason = reasonOpen(a, c, turn) ? reasonOf(a, c, turn, guess) : undefined;
  const estimated: Conversation = { ...c, contactReason: c.contactReason ?? reason, predictedSatisfaction: predictSatisfaction(c, a.satisfaction) };
  const analysed: Conversation = { ...estimated, afterCall: afterCallSummary(estimated, a.checklist, a.agentEscalation) };
  if (!reason) return { conversation: analysed, prompts: [] };
  const why = `The customer is contacting about: ${reason.label}.`;
  const code = { code: 'prompt.contactReason', params: { reason: reason.label, reasonId: reason.id } };
  const prompts = promptsForFindings(a.playbook, analysed, [{ trigger: `reason:${reason.id}`, severity: 'info', reason: why, code, evidence: [turn.turnId] }], now, newId);
  return { conversation: { ...analysed, prompts: [...analysed.prompts, ...prompts] }, prompts };
}
