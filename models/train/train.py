"""Train a Rapport text classifier from scratch (or fine-tune one) and export it
as a transformers.js model folder.

Examples (run from the project root, with Debian's torch):
  /usr/bin/python3 models/train/train.py --task sentiment --out models/rapport-sentiment
  /usr/bin/python3 models/train/train.py --task emotion --out models/rapport-emotion \
      --tokenizer models/rapport-sentiment
  # fine-tune an existing Rapport model on a contact center's own labelled turns
  /usr/bin/python3 models/train/train.py --init models/rapport-sentiment --data my.tsv \
      --out models/rapport-sentiment-acme --epochs 2 --lr 2e-4

--data FILE: TSV `text<TAB>label`, labels from the task's label set (header optional).
Dev evaluation runs every epoch on the shared dev splits; the best epoch by mean
dev macro-F1 is kept and exported. Data: $RAPPORT_DATA_DIR (default ../shared/data).
"""
import argparse
import datetime
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
import evaluate as ev  # noqa: E402
from export import export_folder, load_folder  # noqa: E402
from model import Classifier  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402

ZH_SOURCES = {"online_shopping", "waimai"}



def progress(prefix, i, n, t0, extra=""):
    frac = i / max(1, n)
    el = time.time() - t0
    eta = el / frac - el if frac > 0 else 0
    bar = "#" * int(frac * 30)
    sys.stderr.write(f"\r{prefix} [{bar:30s}] {i}/{n} {el/60:4.1f}m eta {eta/60:4.1f}m {extra}   ")
    sys.stderr.flush()


def make_batches(enc, batch_size, rng, max_tokens=8192):
    """Length-bucketed batches: sort within shuffled chunks, then shuffle batches."""
    idx = list(range(len(enc)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(idx), chunk):
        part = sorted(idx[s:s + chunk], key=lambda i: len(enc[i][0]))
        b = []
        for i in part:
            L = max([len(enc[j][0]) for j in b] + [len(enc[i][0])])
            if b and (len(b) >= batch_size or L * (len(b) + 1) > max_tokens):
                batches.append(b)
                b = []
            b.append(i)
        if b:
            batches.append(b)
    rng.shuffle(batches)
    return batches


def collate(enc, b):
    L = max(len(enc[i][0]) for i in b)
    ids = torch.zeros(len(b), L, dtype=torch.long)
    for r, i in enumerate(b):
        ids[r, :len(enc[i][0])] = torch.tensor(enc[i][0])
    y = torch.tensor([enc[i][1] for i in b])
    return ids, (ids != 0).long(), y


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", choices=["sentiment", "emotion"], default="sentiment")
    ap.add_argument("--out", required=True)
    ap.add_argument("--tokenizer", help="folder with tokenizer.json (default: --init or --out)")
    ap.add_argument("--init", help="existing Rapport model folder to fine-tune")
    ap.add_argument("--init-encoder", help="Rapport model folder whose encoder (all but the classifier head) "
                    "initializes a model for a different label set")
    ap.add_argument("--data", help="TSV text<TAB>label to train on instead of the shared data")
    ap.add_argument("--add-shared", action="store_true", help="with --data: also train on the shared data")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=float, default=0.05)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--smoothing", type=float, default=0.1)
    ap.add_argument("--class-weight", choices=["none", "sqrt"], default="none",
                    help="sqrt: weight the loss by 1/sqrt(class frequency), normalized to mean 1")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--emb", type=int, default=None)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=512)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--wide-buckets", type=int, default=0,
                    help="size of the n-gram bag table (0: no wide branch); must exceed the vocabulary")
    ap.add_argument("--wide-dim", type=int, default=4)
    ap.add_argument("--wide-lr-mult", type=float, default=5.0, help="learning-rate multiplier for the n-gram bag")
    ap.add_argument("--max-len", type=int, default=128, help="max tokens (Chinese reviews; model positions)")
    ap.add_argument("--max-len-en", type=int, default=64, help="training cap for non-Chinese sources")
    ap.add_argument("--cap", action="append", default=[], help="SOURCE=N rows (subsample a source)")
    ap.add_argument("--time-budget", type=float, default=0,
                    help="minutes of training; the LR schedule follows elapsed training time and training "
                         "stops when it is spent (robust to CPU contention)")
    ap.add_argument("--eval-every", type=int, default=0, help="also evaluate (and export if best) every N steps")
    ap.add_argument("--max-steps", type=int, default=0, help="stop an epoch after N steps (benchmarking)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    return ap.parse_args()


def training_rows(a, labels, tok, t_start):
    """The task's training rows (shared data, a user TSV, or both), per-source label counts, and the
    rows tokenized with the per-source length caps."""
    caps = {}
    for c in a.cap:
        k, v = c.split("=")
        caps[k] = int(v)
    if a.data:
        rows = data.read_user_tsv(a.data, labels)
        if a.add_shared:
            rows += (data.sentiment_train if a.task == "sentiment" else data.emotion_train)(a.seed, caps)
    else:
        rows = (data.sentiment_train if a.task == "sentiment" else data.emotion_train)(a.seed, caps)
    counts = {}
    for _, y, src in rows:
        counts.setdefault(src, [0] * len(labels))[y] += 1
    print(f"training rows: {len(rows)}", file=sys.stderr)
    for src, c in counts.items():
        print(f"  {src:20s} " + " ".join(f"{labels[i]}={n}" for i, n in enumerate(c) if n), file=sys.stderr)
    enc = [(tok.encode(t, max_len=a.max_len if src in ZH_SOURCES else min(a.max_len, a.max_len_en)), y)
           for t, y, src in rows]
    n_tok = sum(len(e[0]) for e in enc)
    print(f"tokens/epoch: {n_tok}  (tokenized in {time.time()-t_start:.0f}s)", file=sys.stderr)

    return counts, enc


def build_model(a, labels, tok):
    """A model to fine-tune (--init), one whose encoder comes from another folder (--init-encoder), or a new one."""
    if a.init:
        model, init_labels, _ = load_folder(a.init)
        if init_labels != labels:
            sys.exit(f"--init labels {init_labels} differ from task labels {labels}")
        model.train()
    elif a.init_encoder:
        # Every parameter whose name and shape match is copied (the encoder; the head too when the
        # label sets have the same size); the rest (a new head, a new wide branch) starts fresh.
        src, src_labels, _ = load_folder(a.init_encoder)
        c = src.cfg
        model = Classifier(c["vocab_size"], len(labels), hidden=c["hidden"], layers=c["layers"], heads=c["heads"],
                           ffn=c["ffn"], max_pos=c["max_pos"], emb=c["emb"], dropout=c["dropout"],
                           wide_buckets=a.wide_buckets or c.get("wide_buckets", 0), wide_dim=a.wide_dim)
        own = model.state_dict()
        sd = {k: v for k, v in src.state_dict().items()
              if k in own and own[k].shape == v.shape and (src_labels == labels or not k.startswith("head."))}
        missing, _ = model.load_state_dict(sd, strict=False)
        print(f"encoder from {a.init_encoder}; new: {missing}", file=sys.stderr)
    else:
        model = Classifier(len(tok.vocab), len(labels), hidden=a.hidden, layers=a.layers, heads=a.heads,
                           ffn=a.ffn, max_pos=a.max_len, emb=a.emb, dropout=a.dropout,
                           wide_buckets=a.wide_buckets, wide_dim=a.wide_dim)
    return model


def optimizer_for(model, a):
    """AdamW with weight decay on the matrices only, and the wide n-gram bag at its own learning-rate multiple."""
    named = [(n, p) for n, p in model.named_parameters()]
    wide = [p for n, p in named if n.startswith("wide")]
    decay = [p for n, p in named if p.dim() >= 2 and "pos" not in n and not n.startswith("wide")]
    no_decay = [p for n, p in named if not (p.dim() >= 2 and "pos" not in n) and not n.startswith("wide")]
    groups = [{"params": decay, "weight_decay": a.wd, "lr_mult": 1.0},
              {"params": no_decay, "weight_decay": 0.0, "lr_mult": 1.0}]
    if wide:
        groups.append({"params": wide, "weight_decay": 0.0, "lr_mult": a.wide_lr_mult})
    return torch.optim.AdamW(groups, lr=a.lr)


def class_weights(a, enc, labels):
    """None, or 1/sqrt(class frequency) normalized to mean 1 (--class-weight sqrt)."""
    if a.class_weight != "sqrt":
        return None
    freq = torch.zeros(len(labels))
    for _, y in enc:
        freq[y] += 1
    cw = 1.0 / freq.clamp(min=1).sqrt()
    cw = cw / cw.mean()
    print("class weights: " + " ".join(f"{l}={w:.2f}" for l, w in zip(labels, cw.tolist())), file=sys.stderr)
    return cw


def calibration(split_logits, dev):
    """The temperature fitted on the dev splits, with NLL and ECE before and after, and an honest
    check: fitted on one half of every split, measured on the other."""
    sets = ev.restricted_sets(split_logits, dev)
    T = ev.fit_temperature(sets)
    nll1, ece1 = ev.nll_and_ece(sets, 1.0)
    nllT, eceT = ev.nll_and_ece(sets, T)
    # honest check of the calibration: fit on one half of every split, measure on the other
    g = torch.Generator().manual_seed(0)
    half_a, half_b = [], []
    for lg, y in sets:
        perm = torch.randperm(len(y), generator=g)
        h = len(y) // 2
        half_a.append((lg[perm[:h]], y[perm[:h]]))
        half_b.append((lg[perm[h:]], y[perm[h:]]))
    T_a = ev.fit_temperature(half_a)
    ece_b1, ece_bT = ev.nll_and_ece(half_b, 1.0)[1], ev.nll_and_ece(half_b, T_a)[1]
    print(f"temperature T={T:.3f}: dev NLL {nll1:.4f} -> {nllT:.4f}, ECE(15 bins) {ece1*100:.2f}% -> {eceT*100:.2f}%; "
          f"held-out half: T={T_a:.3f}, ECE {ece_b1*100:.2f}% -> {ece_bT*100:.2f}%", file=sys.stderr)
    return T, {"fit_on": "all dev splits (binary splits: softmax over negative/positive)",
               "ece15_before": round(ece1, 4), "ece15_after": round(eceT, 4),
               "nll_before": round(nll1, 4), "nll_after": round(nllT, 4),
               "split_half_check": {"T": round(T_a, 4), "ece15_before": round(ece_b1, 4),
                                    "ece15_after": round(ece_bT, 4)}}


def main():
    a = parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    rng = random.Random(a.seed)
    t_start = time.time()

    labels = data.SENTIMENT_LABELS if a.task == "sentiment" else data.EMOTION_LABELS
    tok_dir = a.tokenizer or a.init or a.init_encoder or a.out
    if not os.path.exists(os.path.join(tok_dir, "tokenizer.json")):
        sys.exit(f"no tokenizer.json in {tok_dir}: run models/train/build_vocab.py --out {tok_dir} first")
    tok = Tokenizer.from_file(tok_dir)

    counts, enc = training_rows(a, labels, tok, t_start)

    model = build_model(a, labels, tok)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {model.cfg}  params {n_params/1e6:.2f}M", file=sys.stderr)

    opt = optimizer_for(model, a)
    steps_per_epoch = len(make_batches(enc, a.batch, random.Random(0)))
    if a.max_steps:
        steps_per_epoch = min(steps_per_epoch, a.max_steps)
    total = steps_per_epoch * a.epochs

    cw = class_weights(a, enc, labels)
    dev = data.sentiment_dev() if a.task == "sentiment" else data.emotion_dev()
    budget = a.time_budget * 60.0
    state = {"best": -1.0, "history": [], "step": 0, "train_time": 0.0, "best_at": None}

    def frac_done():
        if budget:
            return min(1.0, state["train_time"] / budget)
        return state["step"] / total

    def lr_now():
        f = frac_done()
        if f < a.warmup:
            return a.lr * max(f, 1e-3) / a.warmup
        return a.lr * max(0.02, (1.0 - f) / (1.0 - a.warmup))

    def checkpoint(label):
        te = time.time()
        model.eval()
        res, split_logits = ev.evaluate(model, tok, a.task, a.max_len, verbose=True)
        score = res["mean_macro_f1"]
        state["history"].append({"at": label, "train_minutes": round(state["train_time"] / 60, 1),
                                 "mean_dev_macro_f1": round(score, 4),
                                 "dev": {k: {"accuracy": round(v["accuracy"], 4), "macro_f1": round(v["macro_f1"], 4)}
                                         for k, v in res.items() if isinstance(v, dict)}})
        print(f"{label}: mean dev macro-F1 {score*100:.2f} (eval {time.time()-te:.0f}s)", file=sys.stderr)
        if score > state["best"]:
            state["best"], state["best_at"] = score, label
            finalize(res, split_logits)
        model.train()

    def finalize(res, split_logits):
        T, calibrated = calibration(split_logits, dev)
        meta = {
            "task": a.task,
            "trained": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ"),
            "temperature": round(T, 4),
            "calibration": calibrated,
            "selected_checkpoint": state["best_at"],
            "selection": "best checkpoint by mean macro-F1 over the dev splits",
            "dev": {k: {"n": v["n"], "accuracy": round(v["accuracy"], 4), "macro_f1": round(v["macro_f1"], 4),
                        "per_class": {c: {m: round(x, 4) for m, x in pc.items()} for c, pc in v["per_class"].items()}}
                    for k, v in res.items() if isinstance(v, dict)},
            "history": state["history"],
            "train_rows": counts,
            "training_data": "user TSV " + a.data if a.data else "shared train splits (see README.md)",
            "init": a.init or a.init_encoder,
            "hyperparameters": {k: v for k, v in vars(a).items() if k not in ("out",)},
            "train_minutes_at_checkpoint": round(state["train_time"] / 60, 1),
            "wall_minutes_at_checkpoint": round((time.time() - t_start) / 60, 1),
            "params": n_params,
        }
        path = export_folder(model, a.out, labels, tok_dir, meta)
        print(f"exported {path} ({state['best_at']})", file=sys.stderr)

    done = False
    for epoch in range(1, a.epochs + 1):
        model.train()
        batches = make_batches(enc, a.batch, rng)[:steps_per_epoch]
        t0 = time.time()
        run_loss, run_n = 0.0, 0
        for bi, b in enumerate(batches):
            ts = time.time()
            ids, mask, y = collate(enc, b)
            for g in opt.param_groups:
                g["lr"] = lr_now() * g["lr_mult"]
            logits = model(ids, mask)
            loss = F.cross_entropy(logits, y, weight=cw, label_smoothing=a.smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            state["step"] += 1
            state["train_time"] += time.time() - ts
            run_loss = 0.98 * run_loss + 0.02 * loss.item() if run_n else loss.item()
            run_n += 1
            if bi % 10 == 0 or bi == len(batches) - 1:
                if budget:
                    progress(f"epoch {epoch}", int(state["train_time"]), int(budget), t0,
                             f"step {bi+1}/{len(batches)} loss {run_loss:.3f} lr {lr_now():.1e}")
                else:
                    progress(f"epoch {epoch}/{a.epochs}", bi + 1, len(batches), t0, f"loss {run_loss:.3f}")
            if budget and state["train_time"] >= budget:
                done = True
                break
            if a.eval_every and state["step"] % a.eval_every == 0:
                sys.stderr.write("\n")
                checkpoint(f"epoch {epoch} step {bi+1}")
        sys.stderr.write("\n")
        checkpoint(f"epoch {epoch} step {bi+1}" + (" (time budget reached)" if done else " (end of epoch)"))
        if done:
            break
    print(f"best: {state['best_at']} mean dev macro-F1 {state['best']*100:.2f}; training "
          f"{state['train_time']/60:.1f} min, wall {(time.time()-t_start)/60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
