"""Builds the DistilBERT-sized benchmark model in transformers.js layout: random weights, the shape of
distilbert-base-uncased (6 layers, 768 wide, 12 heads, 3072 feed-forward, 512 positions, a 30,522-entry
vocabulary), so timings stand for a production-sized encoder. Written to models/bench-distilbert/ with
onnx/model.onnx (fp32) and onnx/model_quantized.onnx (int8 weights, dynamic uint8 activations: what
transformers.js loads as dtype "q8"). Speed is all it is for; its scores mean nothing.

Run with Debian's python (torch, onnx): /usr/bin/python3 bench/make_model.py [--out DIR]
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models", "train"))
from export import transformers_config  # noqa: E402
from model import Classifier  # noqa: E402  the shipped model's encoder, sized up

SHAPE = dict(vocab_size=30522, hidden=768, layers=6, heads=12, ffn=3072, max_pos=512)
LABELS = ["negative", "neutral", "positive"]
TOKENIZER_SRC = os.path.join(ROOT, "models", "rapport-sentiment")


def write_tokenizer(out):
    """The shipped WordPiece tokenizer, its vocabulary padded with unused tokens to DistilBERT's 30,522."""
    with open(os.path.join(TOKENIZER_SRC, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    vocab = tok["model"]["vocab"]
    words = sorted(vocab, key=vocab.get)
    for i in range(SHAPE["vocab_size"] - len(words)):
        words.append(f"[unused{i}]")
    tok["model"]["vocab"] = {w: i for i, w in enumerate(words)}
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(words) + "\n")
    with open(os.path.join(TOKENIZER_SRC, "tokenizer_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    cfg["model_max_length"] = SHAPE["max_pos"]
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
    special = os.path.join(TOKENIZER_SRC, "special_tokens_map.json")
    if os.path.exists(special):
        shutil.copy(special, out)


def export_fp32(model, path):
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask), path, opset_version=14,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                          "attention_mask": {0: "batch_size", 1: "sequence_length"},
                          "logits": {0: "batch_size"}},
            # Folding turns each Linear's transposed weight into a plain initializer the quantizer can find.
            do_constant_folding=True,
        )


def quantize_int8(src, dst):
    """Dynamic int8 quantization of every MatMul with a constant weight, the way onnxruntime's
    quantize_dynamic does it (that tool is not installable here): int8 symmetric per-tensor weights,
    activations quantized to uint8 at run time by DynamicQuantizeLinear, MatMulInteger, then rescale.
    onnxruntime fuses the chain into MatMulIntegerToFloat when it optimises the graph."""
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    quantized = 0
    for node in g.node:
        w = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if w is None or len(w.dims) != 2:
            nodes.append(node)
            continue
        weights = numpy_helper.to_array(w)
        scale = float(np.abs(weights).max()) / 127.0 or 1.0
        q = f"{node.name or w.name}_q"
        g.initializer.extend([
            numpy_helper.from_array(np.clip(np.round(weights / scale), -127, 127).astype(np.int8), f"{q}_w"),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), f"{q}_w_scale"),
            numpy_helper.from_array(np.array(0, dtype=np.int8), f"{q}_w_zero"),
        ])
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [node.input[0]], [f"{q}_a", f"{q}_a_scale", f"{q}_a_zero"], name=f"{q}_quant"),
            helper.make_node("MatMulInteger", [f"{q}_a", f"{q}_w", f"{q}_a_zero", f"{q}_w_zero"], [f"{q}_int"], name=f"{q}_matmul"),
            helper.make_node("Cast", [f"{q}_int"], [f"{q}_float"], to=TensorProto.FLOAT, name=f"{q}_cast"),
            helper.make_node("Mul", [f"{q}_a_scale", f"{q}_w_scale"], [f"{q}_scale"], name=f"{q}_scale_mul"),
            helper.make_node("Mul", [f"{q}_float", f"{q}_scale"], list(node.output), name=f"{q}_rescale"),
        ]
        quantized += 1
    used = {i for n in nodes for i in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(kept)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return quantized


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "bench-distilbert"))
    args = ap.parse_args()
    torch.manual_seed(0)
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    model = Classifier(SHAPE["vocab_size"], len(LABELS), hidden=SHAPE["hidden"], layers=SHAPE["layers"],
                       heads=SHAPE["heads"], ffn=SHAPE["ffn"], max_pos=SHAPE["max_pos"], dropout=0.0).eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"bench model: {params / 1e6:.1f}M parameters (distilbert-base-uncased: 66.4M + head)", flush=True)
    write_tokenizer(args.out)
    fp32 = os.path.join(args.out, "onnx", "model.onnx")
    export_fp32(model, fp32)
    print(f"wrote {fp32} ({os.path.getsize(fp32) / 1e6:.0f} MB)", flush=True)
    int8 = os.path.join(args.out, "onnx", "model_quantized.onnx")
    n = quantize_int8(fp32, int8)
    print(f"wrote {int8} ({os.path.getsize(int8) / 1e6:.0f} MB, {n} MatMuls in int8)", flush=True)
    config = transformers_config(model.cfg, LABELS, {
        "note": "Benchmark model: random weights in the shape of distilbert-base; scores are meaningless.",
        "params": params, "arch": model.cfg})
    with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)


if __name__ == "__main__":
    main()
