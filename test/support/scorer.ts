import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createScorer, type Scorer } from '../../server/scoring/index.ts';
import { MODEL_ARGS, TEST_SECRET } from './server.ts';

/**
 * The shipped models through the server's normal configuration and loading path, loaded before the
 * file's tests and closed after them. Returns the configuration and a `score` that asks for emotion.
 */
export function useShippedScorer() {
  const config = loadConfig(['--secret', TEST_SECRET, ...MODEL_ARGS], {});
  let scorer: Scorer;

  beforeAll(async () => {
    scorer = await createScorer({
      sentimentModel: config.model,
      emotionModel: config.emotionModel,
      modelsDir: config.modelsDir,
      allowDownload: false,
      ...config.scoring,
      maxQueue: config.scoring.maxPending,
    });
  });

  afterAll(async () => {
    await scorer?.close();
  });

  return { config, score: (text: string) => scorer.score({ text, emotion: true }) };
}
