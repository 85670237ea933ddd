"""Check an exported folder: ONNX logits (onnxruntime-node) vs torch, for several
batch sizes and sequence lengths, and padding invariance (a sentence alone vs
padded inside a batch), then classify through the transformers.js pipeline.

usage: /usr/bin/python3 models/train/verify_export.py models/rapport-sentiment
"""
import json
import os
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export import load_folder  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402

TEXTS = ["I love this", "太差了，再也不买了", "ok", "The agent kept me on hold for an hour and then hung up on me. Never again.",
         "这家外卖送得很快，味道也很好，下次还会再点", "Thanks so much, that fixed it!", "What is my account balance?",
         "I am really disappointed with the service " * 12]


def main():
    folder = os.path.abspath(sys.argv[1])
    root = os.path.dirname(os.path.dirname(HERE))
    model, labels, cfg = load_folder(folder)
    tok = Tokenizer.from_file(folder)
    maxlen = cfg["max_position_embeddings"]
    enc = [tok.encode(t, max_len=maxlen) for t in TEXTS]
    batches = [[e] for e in enc] + [enc, enc[:3], enc[2:5]]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(batches, f)
        path = f.name
    r = subprocess.run(["node", os.path.join(HERE, "verify_onnx.mjs"), folder, path], cwd=root,
                       capture_output=True, text=True)
    os.unlink(path)
    if r.returncode:
        sys.exit(r.stderr)
    onnx_out = json.loads(r.stdout)
    n = len(labels)
    worst_torch, worst_pad = 0.0, 0.0
    alone = {}
    for bi, rows in enumerate(batches):
        L = max(len(x) for x in rows)
        ids = torch.zeros(len(rows), L, dtype=torch.long)
        for i, x in enumerate(rows):
            ids[i, :len(x)] = torch.tensor(x)
        with torch.no_grad():
            t = model(ids, (ids != 0).long())
        o = torch.tensor(onnx_out[bi]).view(len(rows), n)
        worst_torch = max(worst_torch, (t - o).abs().max().item())
        for i, x in enumerate(rows):
            key = tuple(x)
            if len(rows) == 1:
                alone[key] = o[0]
            elif key in alone:
                worst_pad = max(worst_pad, (alone[key] - o[i]).abs().max().item())
    print(f"ONNX vs torch max |diff| {worst_torch:.2e}; alone vs padded-in-batch max |diff| {worst_pad:.2e} "
          f"(lengths {sorted(len(e) for e in enc)}, batch sizes 1,{len(enc)},3)")
    ok = worst_torch < 1e-4 and worst_pad < 1e-4
    js = f"""
import {{ pipeline, env }} from '@huggingface/transformers';
env.localModelPath = '{os.path.dirname(folder)}/'; env.allowRemoteModels = false;
const c = await pipeline('text-classification', '{os.path.basename(folder)}', {{ dtype: 'fp32' }});
const texts = {json.dumps(TEXTS[:7], ensure_ascii=False)};
const r = await c(texts, {{ top_k: null }});
texts.forEach((t, i) => console.log(JSON.stringify(t.slice(0, 50)), r[i].map(x => x.label + '=' + x.score.toFixed(3)).join(' ')));
"""
    r = subprocess.run(["node", "--input-type=module", "-e", js], cwd=root, capture_output=True, text=True)
    print(r.stdout.strip() or r.stderr[-2000:])
    sys.exit(0 if ok and r.returncode == 0 else 1)


if __name__ == "__main__":
    main()
