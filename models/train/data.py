"""Loading the shared labeled data and mapping it onto Rapport's label sets.

Data is read in place from $RAPPORT_DATA_DIR (default: ../shared/data relative
to the project root). It is never copied into the repository.
"""
import csv
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
csv.field_size_limit(sys.maxsize)


def data_dir():
    d = os.environ.get("RAPPORT_DATA_DIR") or os.path.join(ROOT, "..", "shared", "data")
    return os.path.abspath(d)


def read_tsv(rel):
    path = rel if os.path.isabs(rel) else os.path.join(data_dir(), rel)
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [row for row in r]


# ---------------------------------------------------------------- sentiment
SENTIMENT_LABELS = ["negative", "neutral", "positive"]
NEG, NEU, POS = 0, 1, 2

# GoEmotions -> sentiment. Rows labelled only "neutral" -> neutral. Otherwise
# the row's labels are mapped with this table; a row is kept only when all its
# mapped labels agree on one polarity; labels not in the table (confusion,
# curiosity, desire, realization, surprise) carry no polarity.
GOEMO_SENTIMENT = {
    "admiration": POS, "amusement": POS, "approval": POS, "caring": POS, "excitement": POS,
    "gratitude": POS, "joy": POS, "love": POS, "optimism": POS, "pride": POS, "relief": POS,
    "anger": NEG, "annoyance": NEG, "disappointment": NEG, "disapproval": NEG, "disgust": NEG,
    "embarrassment": NEG, "fear": NEG, "grief": NEG, "nervousness": NEG, "remorse": NEG,
    "sadness": NEG,
}
_S3 = {"negative": NEG, "neutral": NEU, "positive": POS}


def goemo_sentiment(labels):
    labs = labels.split(",")
    if labs == ["neutral"]:
        return NEU
    pol = {GOEMO_SENTIMENT[l] for l in labs if l in GOEMO_SENTIMENT}
    return pol.pop() if len(pol) == 1 else None


def _capped_rows(by_source, caps, rng):
    """(text, label_id, source) rows, empty texts dropped, each source cut to its cap at random."""
    rows = []
    for src, lst in by_source.items():
        lst = [x for x in lst if x[0].strip()]
        if src in caps and len(lst) > caps[src]:
            rng.shuffle(lst)
            lst = lst[: caps[src]]
        rows.extend((t, y, src) for t, y in lst)
    return rows


def sentiment_train(seed=13, caps=None):
    """Returns list of (text, label_id, source). caps: per-source max rows."""
    caps = caps or {}
    rng = random.Random(seed)
    out = {}
    out["sst2"] = [(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-en/sst2.train.tsv")]
    out["online_shopping"] = [(r["text"], _S3[r["label"]])
                              for r in read_tsv("sentiment-zh/online_shopping.train.tsv")]
    out["waimai"] = [(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-zh/waimai.train.tsv")]
    out["meld"] = [(r["text"], _S3[r["sentiment"]]) for r in read_tsv("dialogue-en/meld.train.tsv")]
    g = []
    for r in read_tsv("emotion-en/goemotions.train.tsv"):
        y = goemo_sentiment(r["labels"])
        if y is not None:
            g.append((r["text"], y))
    out["goemotions"] = g
    return _capped_rows(out, caps, rng)


def sentiment_dev():
    """name -> (list of (text, label_id), kind) ; kind 'binary' or '3class'."""
    return {
        "sst2.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-en/sst2.dev.tsv")], "binary"),
        "tweeteval.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-en/tweeteval.dev.tsv")], "3class"),
        "online_shopping.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-zh/online_shopping.dev.tsv")], "binary"),
        "waimai.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-zh/waimai.dev.tsv")], "binary"),
        "meld.dev": ([(r["text"], _S3[r["sentiment"]]) for r in read_tsv("dialogue-en/meld.dev.tsv")], "3class"),
    }


# ------------------------------------------------------------------ emotion
# One table, shared with models/eval/eval.ts: emotion-labels.json beside this file.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "emotion-labels.json"), encoding="utf-8") as _f:
    _EMOTION_TABLE = json.load(_f)
EMOTION_LABELS = _EMOTION_TABLE["labels"]
_E = {l: i for i, l in enumerate(EMOTION_LABELS)}


def map_emotion(source, value):
    """The Rapport emotion id of one row's label(s), or None when it does not map to exactly one.
    Multi-label rows (GoEmotions) are kept only when all their labels map to the same emotion,
    and "neutral" together with another label is ambiguous, so dropped."""
    spec = _EMOTION_TABLE["sources"][source]
    labels = value.split(",") if spec.get("multiLabel") else [value]
    if "neutral" in labels and len(labels) > 1:
        return None
    mapped = {spec["map"][l] for l in labels if l in spec["map"]}
    return _E[mapped.pop()] if len(mapped) == 1 else None


def _emotion_split(split):
    out = {}
    for source, spec in _EMOTION_TABLE["sources"].items():
        rows = []
        for r in read_tsv(spec["file"].format(split=split)):
            y = map_emotion(source, r[spec["column"]])
            if y is not None:
                rows.append((r["text"], y))
        out[source] = rows
    return out


EMOTION_NEUTRAL_CAP = 6000  # GoEmotions has ~13k neutral-only rows; keep 6000 of them


def emotion_train(seed=13, caps=None, neutral_cap=EMOTION_NEUTRAL_CAP):
    caps = caps or {}
    rng = random.Random(seed)
    split = _emotion_split("train")
    neu = [x for x in split["goemotions"] if x[1] == _E["neutral"]]
    if len(neu) > neutral_cap:
        rng.shuffle(neu)
        keep = set(id(x) for x in neu[:neutral_cap])
        split["goemotions"] = [x for x in split["goemotions"] if x[1] != _E["neutral"] or id(x) in keep]
    return _capped_rows(split, caps, rng)


def emotion_dev():
    return {f"{k}.dev": (v, "multiclass") for k, v in _emotion_split("dev").items()}


def read_user_tsv(path, labels):
    """A contact-center TSV: text<TAB>label (header optional)."""
    idx = {l: i for i, l in enumerate(labels)}
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            t, l = parts[0], parts[1].strip().lower()
            if l not in idx:
                continue  # header or unknown label
            rows.append((t, idx[l], "user"))
    return rows
