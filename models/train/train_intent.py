"""Train Rapport's contact-reason classifier on Banking77 and export it in transformers.js layout.

The encoder starts from a Rapport model folder (default models/rapport-sentiment, itself trained from
scratch here; no external pretrained weights), a new 77-way head on top, fine-tuned on the train split
within a wall-clock budget; the dev split picks the best checkpoint and fits the softmax temperature
the server's scorer applies (config.json rapport.temperature). Reuses model.py, tokenizer.py and
export.py; everything intent-specific is here.

  nice -n 15 /usr/bin/python3 models/train/train_intent.py --minutes 15
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import export_folder, load_folder  # noqa: E402
from model import Classifier  # noqa: E402
from tokenizer import PAD_ID, Tokenizer  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WARMUP = 0.05


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        # Quoted fields may hold newlines (the published files quote some texts).
        return [(r["text"].strip(), r["intent"]) for r in csv.DictReader(f, delimiter="\t")]


def batches(enc, size, rng):
    """Length-bucketed batches in random order: less padding, same examples per epoch."""
    order = sorted(range(len(enc)), key=lambda i: (len(enc[i][0]), rng.random()))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def collate(enc, idx):
    width = max(len(enc[i][0]) for i in idx)
    ids = torch.full((len(idx), width), PAD_ID, dtype=torch.long)
    for row, i in enumerate(idx):
        ids[row, : len(enc[i][0])] = torch.tensor(enc[i][0])
    return ids, (ids != PAD_ID).long(), torch.tensor([enc[i][1] for i in idx])


@torch.no_grad()
def dev_logits(model, enc):
    model.eval()
    out = []
    for i in range(0, len(enc), 256):
        ids, mask, _ = collate(enc, list(range(i, min(len(enc), i + 256))))
        out.append(model(ids, mask))
    model.train()
    return torch.cat(out)


def fit_temperature(logits, gold):
    """The T in [0.5, 5] that minimises dev NLL of softmax(logits / T), by a fine grid (one parameter)."""
    grid = [0.5 + 0.01 * k for k in range(451)]
    nll = [F.cross_entropy(logits / t, gold).item() for t in grid]
    best = min(range(len(grid)), key=nll.__getitem__)
    return grid[best], F.cross_entropy(logits, gold).item(), nll[best]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=os.environ.get("RAPPORT_DATA_DIR", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--init-encoder", default=os.path.join(ROOT, "models", "rapport-sentiment"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "rapport-intent"))
    ap.add_argument("--minutes", type=float, default=15.0, help="wall-clock training budget (evaluation included)")
    ap.add_argument("--epochs", type=int, default=60, help="upper bound; the budget usually ends training first")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--limit", type=int, help="train on the first N examples only (a smoke test)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    started = time.time()
    budget = a.minutes * 60.0

    train = read_tsv(os.path.join(a.data_dir, "intents-en", "banking77.train.tsv"))[: a.limit]
    dev = read_tsv(os.path.join(a.data_dir, "intents-en", "banking77.dev.tsv"))
    labels = sorted({y for _, y in train} | {y for _, y in dev})
    index = {l: i for i, l in enumerate(labels)}
    tok = Tokenizer.from_file(a.init_encoder)
    enc = [(tok.encode(t, max_len=a.max_len), index[y]) for t, y in train]
    dev_enc = [(tok.encode(t, max_len=a.max_len), index[y]) for t, y in dev]
    dev_gold = torch.tensor([y for _, y in dev_enc])
    unk = sum(i == 1 for e, _ in enc for i in e) / max(1, sum(len(e) for e, _ in enc))
    print(f"banking77: {len(enc)} train, {len(dev_enc)} dev, {len(labels)} intents; unknown tokens {unk:.1%}", file=sys.stderr)

    src, _, _ = load_folder(a.init_encoder)
    c = src.cfg
    model = Classifier(c["vocab_size"], len(labels), hidden=c["hidden"], layers=c["layers"], heads=c["heads"],
                       ffn=c["ffn"], max_pos=c["max_pos"], emb=c["emb"], dropout=c["dropout"])
    model.load_state_dict({k: v for k, v in src.state_dict().items() if not k.startswith("head.")}, strict=False)
    model.train()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "pos" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "pos" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": rest, "weight_decay": 0.0}], lr=a.lr)

    best = {"acc": -1.0, "epoch": 0, "state": None}
    history = []
    epoch_seconds = 0.0
    for epoch in range(1, a.epochs + 1):
        t0 = time.time()
        # A short warm-up (the new head's first gradients would shake the encoder), then cosine decay
        # over the time budget, so the learning rate reaches its floor as time runs out.
        for idx in batches(enc, a.batch, rng):
            frac = min(1.0, (time.time() - started) / budget)
            scale = frac / WARMUP if frac < WARMUP else 0.5 * (1 + math.cos(math.pi * (frac - WARMUP) / (1 - WARMUP)))
            for g in opt.param_groups:
                g["lr"] = a.lr * max(0.02, scale)
            ids, mask, y = collate(enc, idx)
            loss = F.cross_entropy(model(ids, mask), y, label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        acc = (dev_logits(model, dev_enc).argmax(1) == dev_gold).float().mean().item()
        epoch_seconds = time.time() - t0
        history.append({"epoch": epoch, "dev_accuracy": round(acc, 4), "seconds": round(epoch_seconds, 1)})
        print(f"epoch {epoch}: dev accuracy {acc:.2%} ({epoch_seconds:.0f} s, {time.time() - started:.0f} s in)", file=sys.stderr)
        if acc > best["acc"]:
            best = {"acc": acc, "epoch": epoch, "state": {k: v.clone() for k, v in model.state_dict().items()}}
        if time.time() - started + epoch_seconds > budget:
            break

    model.load_state_dict(best["state"])
    logits = dev_logits(model, dev_enc)
    T, nll1, nllT = fit_temperature(logits, dev_gold)
    minutes = (time.time() - started) / 60
    meta = {
        "task": "intent",
        "trained": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "temperature": round(T, 4),
        "data": "Banking77 train split (../shared/data/intents-en)",
        "init_encoder": os.path.relpath(a.init_encoder, ROOT),
        "dev": {"accuracy": round(best["acc"], 4), "best_epoch": best["epoch"], "nll": round(nll1, 4), "nll_after_temperature": round(nllT, 4)},
        "train_minutes": round(minutes, 1),
        "command": "nice -n 15 /usr/bin/python3 models/train/train_intent.py " + " ".join(sys.argv[1:]),
        "history": history,
    }
    export_folder(model, a.out, labels, a.init_encoder, meta)
    with open(os.path.join(a.out, "train.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"best dev accuracy {best['acc']:.2%} (epoch {best['epoch']}), T={T:.3f}, {minutes:.1f} min; written to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
