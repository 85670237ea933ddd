"""Build the shared Rapport WordPiece vocabulary from the train splits only.

usage: /usr/bin/python3 models/train/build_vocab.py --out models/rapport-sentiment
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
from tokenizer import build_vocab, write_tokenizer_files  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-len", type=int, default=128)
    a = ap.parse_args()
    t0 = time.time()
    texts = [t for t, _, _ in data.sentiment_train()]
    texts += [t for t, _, _ in data.emotion_train(neutral_cap=10**9)]
    texts += [r["text"] for r in data.read_tsv("intents-en/banking77.train.tsv")]
    vocab = build_vocab(texts)
    write_tokenizer_files(vocab, a.out, a.max_len)
    print(f"vocab {len(vocab)} entries from {len(texts)} texts in {time.time()-t0:.0f}s -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
