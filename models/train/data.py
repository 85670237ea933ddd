"""Loading the shared labeled data and mapping it onto Rapport's label sets.

Data is read in place from $RAPPORT_DATA_DIR (default: ../shared/data relative
to the project root). It is never copied into the repository.
"""
import csv
import hashlib
import json
import os
import random
import re
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


def held_out(key, percent):
    """A fixed, content-based split (stable across runs and machines): True for about `percent`% of keys."""
    return int(hashlib.md5(str(key).encode("utf-8")).hexdigest()[:8], 16) % 100 < percent


# --- in-domain sources without per-turn sentiment labels: the weak labels are decided here, once.
THANKS_ZH = re.compile(r"谢谢|感谢|多谢|太好了|太棒了|辛苦")
CROSSWOZ_DEV_PERCENT = 20  # dialogues kept out of training: the "rated negative" figure is measured on them


def crosswoz_turns(split):
    """CrossWOZ (crowd workers booking hotels, restaurants, taxis): user turns are neutral requests,
    or positive when they thank ("好的，谢谢"); system turns are neutral information. Split by dialogue."""
    rows = []
    for r in read_tsv("task-dialogue-zh/crosswoz.tsv"):
        if held_out(r["dialogue_id"], CROSSWOZ_DEV_PERCENT) != (split == "dev"):
            continue
        y = POS if r["role"] == "user" and THANKS_ZH.search(r["text"]) else NEU
        rows.append((r["text"], y, r["role"]))
    return rows


STC3_DEV_PERCENT = 10


def stc3_turns(lang, split):
    """STC-3 helpdesk dialogues (Weibo): the customer's opening post of a dialogue its raters found
    unsatisfying (mean S < 0) is a complaint -> negative; helpdesk replies (greetings, apologies,
    requests for details) -> neutral. Other customer turns carry no label and are not used."""
    rows = []
    with open(os.path.join(data_dir(), f"helpdesk-dialogue/stc3_{lang}.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if held_out(d["id"], STC3_DEV_PERCENT) != (split == "dev"):
                continue
            s = d["quality"]["S"]
            for i, t in enumerate(d["turns"]):
                text = " ".join(t["text"].split())
                if t["sender"] == "helpdesk":
                    rows.append((text, NEU, "helpdesk"))
                elif i == 0 and sum(s) / len(s) < 0:
                    rows.append((text, NEG, "customer"))
    return rows


# Intents that ask for information or a routine action (neutral requests with account details);
# intents that report a fault (charged twice, card not working, ...) are left out: their tone varies.
BANKING77_NEUTRAL = {
    "activate_my_card", "age_limit", "apple_pay_or_google_pay", "atm_support", "automatic_top_up",
    "card_about_to_expire", "card_acceptance", "card_delivery_estimate", "card_linking", "change_pin",
    "country_support", "disposable_card_limits", "edit_personal_details", "exchange_rate", "exchange_via_app",
    "fiat_currency_support", "get_disposable_virtual_card", "get_physical_card", "getting_spare_card",
    "getting_virtual_card", "order_physical_card", "receiving_money", "supported_cards_and_currencies",
    "top_up_by_cash_or_cheque", "top_up_limits", "topping_up_by_card", "transfer_into_account",
    "transfer_timing", "verify_my_identity", "verify_source_of_funds", "verify_top_up", "visa_or_mastercard",
    "why_verify_identity", "cancel_transfer", "top_up_by_bank_transfer_charge", "top_up_by_card_charge",
    "exchange_charge", "card_arrival",
}

# multi_emotion (spoken Chinese) -> polarity where the emotion has one; 平静 also holds worried
# sentences, 关心 and 惊讶 carry no clear polarity: not used for sentiment.
MULTI_EMOTION_SENTIMENT = {"开心": POS, "生气": NEG, "厌恶": NEG, "伤心": NEG, "疑问": NEU}


def multi_emotion_sentiment(split):
    return [(r["text"], MULTI_EMOTION_SENTIMENT[r["label"]]) for r in read_tsv(f"emotion-zh/multi_emotion.{split}.tsv")
            if r["label"] in MULTI_EMOTION_SENTIMENT]


# Per-source row caps (so SST-2 phrases and reviews do not drown the in-domain sources) and
# repeats (in-domain sources seen more than once an epoch).
SENTIMENT_CAPS = {"sst2": 15000, "goemotions": 15000, "online_shopping": 15000, "banking77": 4000,
                  "crosswoz_system": 2500, "stc3_zh_helpdesk": 3000, "stc3_en_helpdesk": 1500}
SENTIMENT_REPEATS = {"airline_tweets": 2, "crosswoz_user": 2, "stc3_zh_customer": 2, "stc3_en_customer": 2}


def sentiment_train(seed=13, caps=None, repeats=None):
    """Returns list of (text, label_id, source). caps: per-source max rows; repeats: per-source copies."""
    caps = dict(SENTIMENT_CAPS, **(caps or {}))
    repeats = SENTIMENT_REPEATS if repeats is None else repeats
    rng = random.Random(seed)
    out = {}
    out["airline_tweets"] = [(r["text"], _S3[r["label"]])
                             for r in read_tsv("service-sentiment-en/airline_tweets.train.tsv")]
    cw = crosswoz_turns("train")
    out["crosswoz_user"] = [(t, y) for t, y, role in cw if role == "user"]
    out["crosswoz_system"] = [(t, y) for t, y, role in cw if role == "system"]
    for lang in ("zh", "en"):
        for t, y, role in stc3_turns(lang, "train"):
            out.setdefault(f"stc3_{lang}_{role}", []).append((t, y))
    out["multi_emotion"] = multi_emotion_sentiment("train")
    out["banking77"] = [(r["text"], NEU) for r in read_tsv("intents-en/banking77.train.tsv")
                        if r.get("intent") in BANKING77_NEUTRAL]
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
    rows = _capped_rows(out, caps, rng)
    return [r for r in rows for _ in range(repeats.get(r[2], 1))]


def sentiment_dev():
    """name -> (list of (text, label_id), kind) ; kind 'binary' or '3class'."""
    return {
        "sst2.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-en/sst2.dev.tsv")], "binary"),
        "tweeteval.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-en/tweeteval.dev.tsv")], "3class"),
        "online_shopping.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-zh/online_shopping.dev.tsv")], "binary"),
        "waimai.dev": ([(r["text"], _S3[r["label"]]) for r in read_tsv("sentiment-zh/waimai.dev.tsv")], "binary"),
        "meld.dev": ([(r["text"], _S3[r["sentiment"]]) for r in read_tsv("dialogue-en/meld.dev.tsv")], "3class"),
        "airline_tweets.dev": ([(r["text"], _S3[r["label"]])
                                for r in read_tsv("service-sentiment-en/airline_tweets.dev.tsv")], "3class"),
        "crosswoz_user.heldout": ([(t, y) for t, y, role in crosswoz_turns("dev") if role == "user"], "3class"),
        "multi_emotion.dev": (multi_emotion_sentiment("dev"), "3class"),
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


EMOTION_CAPS = {"crosswoz_user": 3000, "stc3_zh_customer": 2000}
EMOTION_REPEATS = {"multi_emotion": 2}


def emotion_train(seed=13, caps=None, neutral_cap=EMOTION_NEUTRAL_CAP, repeats=None):
    caps = dict(EMOTION_CAPS, **(caps or {}))
    repeats = EMOTION_REPEATS if repeats is None else repeats
    rng = random.Random(seed)
    split = _emotion_split("train")
    # Chinese neutral requests and thanks (CrossWOZ user turns, the training dialogues only; weak labels
    # as for sentiment: thanking -> gratitude, otherwise neutral).
    split["crosswoz_user"] = [(t, _E["gratitude"] if y == POS else _E["neutral"])
                              for t, y, role in crosswoz_turns("train") if role == "user"]
    # Chinese complaints: no Chinese source labels frustration, so the opening posts of unsatisfying
    # STC-3 helpdesk dialogues (the sentiment negatives above) stand in for it -- a weak label.
    split["stc3_zh_customer"] = [(t, _E["frustration"]) for t, _, role in stc3_turns("zh", "train")
                                 if role == "customer"]
    neu = [x for x in split["goemotions"] if x[1] == _E["neutral"]]
    if len(neu) > neutral_cap:
        rng.shuffle(neu)
        keep = set(id(x) for x in neu[:neutral_cap])
        split["goemotions"] = [x for x in split["goemotions"] if x[1] != _E["neutral"] or id(x) in keep]
    rows = _capped_rows(split, caps, rng)
    return [r for r in rows for _ in range(repeats.get(r[2], 1))]


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


# ------------------------------------------------- the team's contact-center suite (evaluation only)
SUITE_DIR = os.path.join(ROOT, "models", "eval", "contact-center")


def contact_center_suite(lang):
    """The team-written turns of models/eval/contact-center/{lang}.tsv: (text, sentiment id, emotion or '').
    Never trained on; read by the baseline and the evaluation only."""
    rows = read_tsv(os.path.join(SUITE_DIR, f"{lang}.tsv"))
    return [(r["text"], _S3[r["label"]], r["emotion"]) for r in rows]
