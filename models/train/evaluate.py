"""Dev-set evaluation for Rapport classifiers.

usage: /usr/bin/python3 models/train/evaluate.py models/rapport-sentiment [--task sentiment|emotion]

Prints accuracy and macro-F1 per dev split (and negative-class precision/recall
for sentiment; per-class precision/recall for emotion). The model is rebuilt
from the folder's ONNX weights and texts go through the same tokenization as
transformers.js (checked by verify_tokenizer.py). Never uses training data.
"""
import argparse
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402


@torch.no_grad()
def predict_logits(model, tok, texts, max_len=128, batch=128):
    model.eval()
    enc = [tok.encode(t, max_len=max_len) for t in texts]
    order = sorted(range(len(enc)), key=lambda i: len(enc[i]))
    out = [None] * len(enc)
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        L = max(len(enc[i]) for i in idx)
        ids = torch.zeros(len(idx), L, dtype=torch.long)
        for r, i in enumerate(idx):
            ids[r, :len(enc[i])] = torch.tensor(enc[i])
        logits = model(ids, (ids != 0).long())
        for r, i in enumerate(idx):
            out[i] = logits[r]
    return torch.stack(out) if out else torch.zeros(0, model.cfg["n_labels"])


def restrict(logits, kind):
    """Binary splits compare P(negative) with P(positive) only (neutral ignored)."""
    if kind == "binary":
        return logits[:, [0, 2]], {0: 0, 2: 1}
    return logits, None


def prf(y, p, c):
    tp = sum(1 for a, b in zip(y, p) if a == c and b == c)
    pp = sum(1 for b in p if b == c)
    ap = sum(1 for a in y if a == c)
    prec = tp / pp if pp else 0.0
    rec = tp / ap if ap else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def metrics(logits, gold, kind, labels):
    lg, remap = restrict(logits, kind)
    pred = lg.argmax(-1).tolist()
    y = [remap[g] for g in gold] if remap else list(gold)
    classes = sorted(set(remap.values())) if remap else list(range(len(labels)))
    acc = sum(1 for a, b in zip(y, pred) if a == b) / max(1, len(y))
    per = {c: prf(y, pred, c) for c in classes}
    present = [c for c in classes if any(a == c for a in y)]
    m = {"n": len(y), "accuracy": acc, "macro_f1": sum(per[c][2] for c in present) / max(1, len(present))}
    names = ([labels[0], labels[2]] if remap else labels)
    m["per_class"] = {names[c if not remap else classes.index(c)]: {"precision": per[c][0], "recall": per[c][1], "f1": per[c][2]}
                      for c in classes}
    return m


def nll_and_ece(logit_sets, T=1.0, bins=15):
    """logit_sets: list of (logits restricted, gold restricted)."""
    nll, n, conf, corr = 0.0, 0, [], []
    for lg, y in logit_sets:
        lp = torch.log_softmax(lg / T, -1)
        nll += -lp[torch.arange(len(y)), y].sum().item()
        n += len(y)
        c, p = lp.exp().max(-1)
        conf += c.tolist()
        corr += (p == y).float().tolist()
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(conf) if (c > lo or (b == 0 and c >= lo)) and c <= hi]
        if idx:
            ece += len(idx) / n * abs(sum(corr[i] for i in idx) / len(idx) - sum(conf[i] for i in idx) / len(idx))
    return nll / max(1, n), ece


def fit_temperature(logit_sets):
    best = (float("inf"), 1.0)
    # coarse-to-fine 1-D search over log T
    lo, hi = math.log(0.2), math.log(5.0)
    for _ in range(4):
        grid = [lo + (hi - lo) * k / 40 for k in range(41)]
        for lt in grid:
            v = nll_and_ece(logit_sets, math.exp(lt))[0]
            if v < best[0]:
                best = (v, math.exp(lt))
        step = (hi - lo) / 40
        lo, hi = math.log(best[1]) - step, math.log(best[1]) + step
    return best[1]


def restricted_sets(split_logits, dev):
    sets = []
    for name, (rows, kind) in dev.items():
        lg, remap = restrict(split_logits[name], kind)
        y = torch.tensor([remap[g] if remap else g for _, g in rows])
        sets.append((lg, y))
    return sets


def evaluate(model, tok, task, max_len=128, verbose=True):
    dev = data.sentiment_dev() if task == "sentiment" else data.emotion_dev()
    labels = data.SENTIMENT_LABELS if task == "sentiment" else data.EMOTION_LABELS
    res, split_logits = {}, {}
    for name, (rows, kind) in dev.items():
        lg = predict_logits(model, tok, [t for t, _ in rows], max_len)
        split_logits[name] = lg
        res[name] = metrics(lg, [g for _, g in rows], kind, labels)
    res["mean_macro_f1"] = sum(v["macro_f1"] for k, v in res.items()) / len(dev)
    res["mean_accuracy"] = sum(v["accuracy"] for k, v in res.items() if k != "mean_macro_f1") / len(dev)
    if verbose:
        print(format_results(res, task), file=sys.stderr)
    return res, split_logits


def format_results(res, task):
    lines = []
    for name, m in res.items():
        if not isinstance(m, dict):
            continue
        s = f"  {name:22s} n={m['n']:5d}  acc {m['accuracy']*100:5.1f}%  macro-F1 {m['macro_f1']*100:5.1f}"
        if task == "sentiment":
            neg = m["per_class"]["negative"]
            s += f"  neg P {neg['precision']*100:5.1f} R {neg['recall']*100:5.1f}"
        lines.append(s)
        if task != "sentiment":
            for c, v in m["per_class"].items():
                lines.append(f"      {c:12s} P {v['precision']*100:5.1f} R {v['recall']*100:5.1f} F1 {v['f1']*100:5.1f}")
    lines.append(f"  mean accuracy {res['mean_accuracy']*100:.1f}%  mean macro-F1 {res['mean_macro_f1']*100:.1f}")
    return "\n".join(lines)


def main():
    from export import load_folder
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--task", choices=["sentiment", "emotion"])
    a = ap.parse_args()
    torch.set_num_threads(2)
    model, labels, cfg = load_folder(a.model)
    task = a.task or ("emotion" if "gratitude" in labels else "sentiment")
    tok = Tokenizer.from_file(a.model)
    res, logits = evaluate(model, tok, task, cfg.get("max_position_embeddings", 128), verbose=False)
    print(format_results(res, task))
    T = cfg.get("rapport", {}).get("temperature")
    if T:
        dev = data.sentiment_dev() if task == "sentiment" else data.emotion_dev()
        sets = restricted_sets(logits, dev)
        print(f"  ECE(15 bins) T=1: {nll_and_ece(sets, 1.0)[1]*100:.2f}%   T={T:.3f}: {nll_and_ece(sets, T)[1]*100:.2f}%")


if __name__ == "__main__":
    main()
