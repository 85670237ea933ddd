"""The honest baseline: a word (1-2) + character (2-5, char_wb) TF-IDF logistic regression
(Debian python3-sklearn) trained on exactly the rows the transformer is trained on
(data.sentiment_train / data.emotion_train with their default caps and repeats), predicting
every dev split and the team's contact-center suite.

usage: /usr/bin/python3 models/train/baseline.py [--task sentiment|emotion]

Writes models/eval/baseline-{task}.json: the predicted label of every example of every split
(with a fingerprint of the split's texts), which `npm run eval` scores with the same code as the
transformer, so fitting the baseline (minutes on 2 cores) does not have to run inside `npm run eval`.
Binary dev splits (no neutral gold) are predicted as the likelier of negative / positive, as for the
transformer.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402


def fingerprint(texts):
    """The same fingerprint as models/eval/baseline.ts: sha1 of the texts joined by newlines."""
    return hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()


def eval_splits(task):
    """name -> (texts, binary?) for every split `npm run eval` reports."""
    out = {}
    if task == "sentiment":
        for name, (rows, kind) in data.sentiment_dev().items():
            out[name] = ([t for t, _ in rows], kind == "binary")
    else:
        for name, (rows, _) in data.emotion_dev().items():
            out[name] = ([t for t, _ in rows], False)
    for lang in ("en", "zh"):
        out[f"contact-center.{lang}"] = ([t for t, _, _ in data.contact_center_suite(lang)], False)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["sentiment", "emotion"], default="sentiment")
    ap.add_argument("--C", type=float, default=4.0)
    a = ap.parse_args()
    t0 = time.time()
    rows = data.sentiment_train() if a.task == "sentiment" else data.emotion_train()
    labels = data.SENTIMENT_LABELS if a.task == "sentiment" else data.EMOTION_LABELS
    texts = [t for t, _, _ in rows]
    y = np.array([l for _, l, _ in rows])
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True,
                           max_features=1_000_000)
    X = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    print(f"{len(texts)} rows, {X.shape[1]} features ({time.time()-t0:.0f}s)", file=sys.stderr)
    clf = LogisticRegression(C=a.C, max_iter=300, class_weight="balanced")
    clf.fit(X, y)
    fit_s = time.time() - t0
    print(f"fitted in {fit_s:.0f}s", file=sys.stderr)
    out = {"task": a.task, "labels": labels, "model": "TF-IDF word 1-2 + char_wb 2-5, logistic regression "
           f"(C={a.C}, balanced classes, sklearn)", "train_rows": len(texts), "fit_seconds": round(fit_s),
           "trained": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), "splits": {}}
    for name, (tx, binary) in eval_splits(a.task).items():
        P = clf.predict_proba(hstack([word.transform(tx), char.transform(tx)]).tocsr())
        full = np.zeros((len(tx), len(labels)))
        full[:, clf.classes_] = P
        if binary:
            full[:, data.NEU] = -1
        out["splits"][name] = {"fingerprint": fingerprint(tx), "predicted": [labels[i] for i in full.argmax(1)]}
        print(f"  {name}: {len(tx)} predicted", file=sys.stderr)
    path = os.path.join(data.ROOT, "models", "eval", f"baseline-{a.task}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
    print(f"written {path} ({time.time()-t0:.0f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()
