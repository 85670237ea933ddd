// Prints transformers.js token ids for each line of a JSON array of strings.
// usage: node models/train/verify_tokenizer.mjs <models-dir> <model-name> <sentences.json>
import { AutoTokenizer, env } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';
const [modelsDir, name, file] = process.argv.slice(2);
env.localModelPath = modelsDir.endsWith('/') ? modelsDir : modelsDir + '/';
env.allowRemoteModels = false;
const t = await AutoTokenizer.from_pretrained(name);
const sents = JSON.parse(readFileSync(file, 'utf8'));
const out = sents.map((s) => t.encode(s));
process.stdout.write(JSON.stringify(out));
