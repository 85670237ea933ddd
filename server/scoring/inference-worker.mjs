// The model's own thread. onnxruntime-node runs a session synchronously on the thread that calls it,
// so on the main thread every batch would stall sockets and HTTP for its whole duration (hundreds of
// ms for a DistilBERT-sized model). Plain JavaScript so it loads the same under tsx, node and vitest.
// classifier.ts owns it: it sends { id, texts } and gets back { id, raw } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import { env, pipeline } from '@huggingface/transformers';

const { root, name, local, cacheDir, dtype, sessionOptions } = workerData;
env.localModelPath = root;
env.allowLocalModels = true;
env.allowRemoteModels = !local;
env.cacheDir = cacheDir;

let classifier;
try {
  classifier = await pipeline('text-classification', name, {
    dtype,
    session_options: sessionOptions,
    progress_callback: (info) => parentPort.postMessage({ type: 'progress', info }),
  });
} catch (error) {
  parentPort.postMessage({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
const config = classifier.model.config;
parentPort.postMessage({ type: 'ready', labels: Object.values(config.id2label ?? {}), temperature: config.rapport?.temperature ?? 1 });

/**
 * Texts of one batch are padded to its longest, and padding costs as much model time as real tokens
 * (twice the work for dialogue turns in a batch of 16). So the batch runs as a few calls of similar
 * lengths: sorted by token count, a new call starts where padding would add more than a quarter of the
 * real tokens, and more than PER_CALL_TOKENS, about what one more call costs in overhead (measured in
 * docs/BENCHMARKS.md: +50% turns/s at batch 16 for a DistilBERT-sized model; small models barely split).
 */
const PADDING_SLACK = 0.25;
const PER_CALL_TOKENS = 32;

function callsBySimilarLength(texts) {
  if (texts.length === 1) return [[0]];
  const lengths = classifier.tokenizer(texts, { truncation: true, padding: false, return_tensor: false }).input_ids.map((ids) => ids.length);
  const order = texts.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const calls = [];
  let call = [];
  let tokens = 0;
  for (const i of order) {
    const length = lengths[i];
    const waste = (call.length + 1) * length - (tokens + length);
    if (call.length > 0 && waste > Math.max(PADDING_SLACK * (tokens + length), PER_CALL_TOKENS)) {
      calls.push(call);
      call = [];
      tokens = 0;
    }
    call.push(i);
    tokens += length;
  }
  calls.push(call);
  return calls;
}

async function classify(texts) {
  const raw = new Array(texts.length);
  for (const call of callsBySimilarLength(texts)) {
    const out = await classifier(call.map((i) => texts[i]), { top_k: null });
    call.forEach((i, k) => (raw[i] = out[k]));
  }
  return raw;
}

parentPort.on('message', async (message) => {
  if (message.type === 'dispose') {
    await classifier.dispose();
    process.exit(0); // in a worker, ends this thread only

  }
  try {
    const raw = await classify(message.texts);
    parentPort.postMessage({ type: 'result', id: message.id, raw });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
