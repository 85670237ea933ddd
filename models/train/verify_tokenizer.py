"""Cross-check the Python tokenizer against transformers.js on fixed sentences
plus a sample of dev texts (English, Chinese, tweets, dialogue).

usage: /usr/bin/python3 models/train/verify_tokenizer.py models/rapport-sentiment [--sample 3000]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402

FIXED = [
    "I love this", "太差了，再也不买了", "I absolutely LOVED this!!!", "This is NOT what I ordered.",
    "Hellooo, my refund hasn't arrived 😡😡", "great😊service", "Café crème brûlée, naïve façade",
    "ÀÉÎÕÜ ñ Ç ß", "İstanbul ΟΔΟΣ Σίσυφος", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３", "tab\there\nnewline\r\nend",
    "  leading and trailing spaces   ", "", " ", "zero\u200bwidth\u200djoiner", "soft\u00adhyphen",
    "nbsp\u00a0here\u3000ideographic", "em—dash–en-dash … ellipsis", "“quotes” ‘single’ «guillemets»",
    "$100 £50 €20 ¥300 ₹10 #hashtag @user http://example.com/a?b=c&d=e",
    "email: john.doe@example.org, phone +1 (555) 123-4567", "1,000,000.50 3.14159 50% 2nd 3rd",
    "外卖送得很快，味道也不错！👍", "快递太慢了。。。客服态度也很差", "这个手机用了三天就坏了，垃圾！",
    "我想退款，为什么还没到账？", "mixed 中英文 text with English words 和中文", "𠀀𠀁 astral CJK 𪚥",
    "日本語のテキストとカタカナ", "한국어 텍스트입니다", "Привет, как дела?", "مرحبا بالعالم", "שלום עולם",
    "हिन्दी पाठ", "ไทยภาษา", "emoji 👨‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽 tone", "❤️❤️❤️", "¯\\_(ツ)_/¯",
    "[CLS] literal special [SEP] tokens [MASK]", "[cls] lowercase special", "a" * 120,
    "supercalifragilisticexpialidocious", "unbelievably uncharacteristically",
    "don't can't won't I'm you're it's", "WAIT... what?!?!", "<html>&amp;</html>", "C++ / C# / F#",
    "x\u0301y\u0308z", "ﬁ ligature ﬂ", "Ⅻ roman ① circled", "\u0000null\ufffdreplacement\ufeffbom",
    "The agent was super helpful and resolved my issue in 5 minutes.",
    "I've been on hold for 45 minutes, this is ridiculous",
    "Can you please explain why I was charged twice?",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sample", type=int, default=3000)
    a = ap.parse_args()
    model = os.path.abspath(a.model)
    tok = Tokenizer.from_file(model)
    sents = list(FIXED)
    rng = random.Random(1)
    pool = []
    for lst, _ in data.sentiment_dev().values():
        pool += [t for t, _ in lst]
    for lst, _ in data.emotion_dev().values():
        pool += [t for t, _ in lst]
    rng.shuffle(pool)
    sents += pool[: a.sample]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(sents, f, ensure_ascii=False)
        path = f.name
    root = os.path.dirname(os.path.dirname(HERE))
    js = subprocess.run(["node", os.path.join(HERE, "verify_tokenizer.mjs"), os.path.dirname(model),
                         os.path.basename(model), path], cwd=root, capture_output=True, text=True)
    os.unlink(path)
    if js.returncode:
        print(js.stderr, file=sys.stderr)
        sys.exit(2)
    js_ids = json.loads(js.stdout)
    bad = 0
    for s, j in zip(sents, js_ids):
        p = tok.encode(s)
        if p != j:
            bad += 1
            if bad <= 15:
                print("MISMATCH", repr(s[:80]), "\n  py:", [tok.vocab[i] for i in p][:30],
                      "\n  js:", [tok.vocab[i] for i in j][:30])
    n_unk = sum(1 for s in sents for i in tok.encode(s) if i == 1)
    print(f"{len(sents) - bad}/{len(sents)} identical ({len(FIXED)} fixed + {len(sents)-len(FIXED)} dev texts); "
          f"[UNK] tokens overall: {n_unk}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
