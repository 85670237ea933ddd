import { isUnjudgeable } from '../domain/judgeable.ts';
import { detectLanguage } from '../domain/language.ts';
import type { EmotionScore, Score } from '../domain/turn.ts';
import { MicroBatcher, type BatcherOptions } from './batcher.ts';
import { loadClassifier, type Classifier, type ClassifierSpec } from './classifier.ts';
import { argmax, assertSentimentLabels, toSentiment } from './labels.ts';
import { downloadProgressBar } from './progress.ts';

export { SaturatedError } from './batcher.ts';
export { loadClassifier, type Classifier } from './classifier.ts';

export interface ScorerOptions extends Omit<BatcherOptions, 'onBatch'> {
  sentimentModel: string;
  /** A second classifier for customer emotions; undefined = none. */
  emotionModel?: string;
  modelsDir: string;
  allowDownload: boolean;
  threads?: number;
  onBatch?: (model: string, size: number, ms: number) => void;
}

export interface ScoreRequest {
  text: string;
  /** Run the emotion model too (customer turns). */
  emotion: boolean;
}

/** The scoring stage's public face: texts in, calibrated scores out, batched across callers. */
export interface Scorer {
  readonly models: { sentiment: string; emotion?: string };
  score(request: ScoreRequest): Promise<Score>;
  /** Texts waiting for the model, for metrics and backpressure. */
  queued(): number;
  close(): Promise<void>;
}

async function load(model: string, o: ScorerOptions): Promise<Classifier> {
  const progress = downloadProgressBar();
  const spec: ClassifierSpec = { model, modelsDir: o.modelsDir, allowDownload: o.allowDownload, threads: o.threads, onProgress: progress.onProgress };
  try {
    return await loadClassifier(spec);
  } finally {
    progress.stop();
  }
}

export async function createScorer(o: ScorerOptions): Promise<Scorer> {
  const sentiment = await load(o.sentimentModel, o);
  assertSentimentLabels(sentiment.labels, sentiment.id);
  const emotion = o.emotionModel ? await load(o.emotionModel, o) : undefined;
  // onnxruntime's first run allocates and optimises; pay that at start-up, not on a customer's turn.
  await Promise.all([sentiment.classify(['warm-up turn']), emotion?.classify(['warm-up turn'])]);

  const batcherFor = (c: Classifier) =>
    new MicroBatcher<string, Record<string, number>>((texts) => c.classify(texts), {
      maxBatch: o.maxBatch,
      maxWaitMs: o.maxWaitMs,
      maxQueue: o.maxQueue,
      onBatch: (size, ms) => o.onBatch?.(c.id, size, ms),
    });
  const sentimentBatcher = batcherFor(sentiment);
  const emotionBatcher = emotion && batcherFor(emotion);

  return {
    models: { sentiment: sentiment.id, emotion: emotion?.id },
    queued: () => sentimentBatcher.queued + (emotionBatcher?.queued ?? 0),
    async score({ text, emotion: wantEmotion }) {
      const started = performance.now();
      const [sentimentDist, emotionDist] = await Promise.all([
        sentimentBatcher.submit(text),
        wantEmotion && emotionBatcher ? emotionBatcher.submit(text) : undefined,
      ]);
      const probabilities = toSentiment(sentimentDist);
      const lang = detectLanguage(text);
      // Too short or factual to judge ("ok", "It ends in 8812"): reported as neutral with the model's own
      // P(neutral) as confidence, so the label, the valence and the curve agree; the model's full
      // distribution stays in `probabilities` for QA.
      const lowConfidence = isUnjudgeable(text, lang);
      const [label, confidence] = lowConfidence ? (['neutral', probabilities.neutral] as const) : argmax(probabilities);
      let emotionScore: EmotionScore | undefined;
      if (emotionDist) {
        const [emotionLabel, emotionConfidence] = argmax(emotionDist);
        emotionScore = { label: emotionLabel, confidence: emotionConfidence, probabilities: emotionDist };
      }
      return {
        label,
        valence: lowConfidence ? 0 : probabilities.positive - probabilities.negative,
        confidence,
        probabilities,
        lowConfidence,
        emotion: emotionScore,
        model: sentiment.id,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      };
    },
    async close() {
      await sentiment.dispose();
      await emotion?.dispose();
    },
  };
}
