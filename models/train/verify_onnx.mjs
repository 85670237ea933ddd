// Runs a model folder's onnx/model.onnx through onnxruntime-node (as transformers.js
// does) on batches given as JSON [[ids...], ...] (padded with 0), prints logits as JSON.
// usage: node models/train/verify_onnx.mjs <folder> <batches.json>
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const [folder, file] = process.argv.slice(2);
const sess = await ort.InferenceSession.create(`${folder}/onnx/model.onnx`);
const batches = JSON.parse(readFileSync(file, 'utf8'));
const out = [];
for (const rows of batches) {
  const L = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * L);
  const mask = new BigInt64Array(rows.length * L);
  rows.forEach((r, i) => r.forEach((v, j) => { ids[i * L + j] = BigInt(v); mask[i * L + j] = 1n; }));
  const res = await sess.run({
    input_ids: new ort.Tensor('int64', ids, [rows.length, L]),
    attention_mask: new ort.Tensor('int64', mask, [rows.length, L]),
  });
  out.push(Array.from(res.logits.data));
}
process.stdout.write(JSON.stringify(out));
