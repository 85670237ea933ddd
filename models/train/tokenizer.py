"""BERT WordPiece tokenizer for Rapport models: vocabulary building, the
Hugging Face `tokenizer.json` writer, and a Python re-implementation of the
exact tokenization transformers.js 4.x (@huggingface/tokenizers 0.2) performs
with that file (BertNormalizer + BertPreTokenizer + WordPiece + [CLS]/[SEP]).

The re-implementation mirrors the JavaScript code, quirks included:
- CJK spacing walks UTF-16 code units, so only BMP CJK characters are split;
- control/format/private-use/surrogate characters are dropped (tab, CR, LF kept);
- whitespace is JavaScript's `\\s`;
- punctuation is Unicode category P* plus all ASCII symbols; other symbols
  (emoji, currency signs, math) stay glued to the surrounding word.
Cross-check against Node with `verify_tokenizer.mjs` (see README.md).
"""
import json
import os
import unicodedata
from collections import Counter

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(5)

# JavaScript's \s (ECMAScript WhiteSpace + LineTerminator)
_JS_SPACE = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)
}


def is_js_space(ch):
    return ch in _JS_SPACE


def is_chinese_cp(cp):
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def is_punct(ch):
    cp = ord(ch)
    if 0x21 <= cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0x7E:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text):
    # clean_text
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs"):
            continue
        out.append(" " if is_js_space(ch) else ch)
    text = "".join(out)
    # handle_chinese_chars: JS iterates UTF-16 code units -> BMP only
    out = []
    for ch in text:
        cp = ord(ch)
        if cp <= 0xFFFF and is_chinese_cp(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    text = "".join(out)
    # lowercase + strip accents (strip_accents null -> follows lowercase)
    text = text.lower()
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text


def _js_trim(text):
    # String.prototype.trim removes WhiteSpace + LineTerminator (same set as \s)
    s, e = 0, len(text)
    while s < e and is_js_space(text[s]):
        s += 1
    while e > s and is_js_space(text[e - 1]):
        e -= 1
    return text[s:e]


def pre_tokenize(text):
    """[^\\s P]+ | [P] over the trimmed text."""
    words, cur = [], []
    for ch in _js_trim(text):
        if is_js_space(ch):
            if cur:
                words.append("".join(cur))
                cur = []
        elif is_punct(ch):
            if cur:
                words.append("".join(cur))
                cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    return words


def words_of(text):
    return pre_tokenize(normalize(text))


class Tokenizer:
    def __init__(self, vocab):
        """vocab: list of tokens, index = id."""
        self.vocab = list(vocab)
        self.ids = {t: i for i, t in enumerate(self.vocab)}
        self.max_chars = 100
        self._cache = {}

    @classmethod
    def from_file(cls, path):
        """Load from a model folder (tokenizer.json) or a vocab.txt path."""
        if os.path.isdir(path):
            path = os.path.join(path, "tokenizer.json")
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                v = json.load(f)["model"]["vocab"]
            vocab = [None] * len(v)
            for t, i in v.items():
                vocab[i] = t
            return cls(vocab)
        with open(path, encoding="utf-8") as f:
            return cls([l.rstrip("\n") for l in f])

    def wordpiece(self, word):
        r = self._cache.get(word)
        if r is not None:
            return r
        chars = list(word)
        if len(chars) > self.max_chars:
            r = [UNK_ID]
        else:
            r, start = [], 0
            while start < len(chars):
                end, found = len(chars), None
                while start < end:
                    s = "".join(chars[start:end])
                    if start > 0:
                        s = "##" + s
                    if s in self.ids:
                        found = self.ids[s]
                        break
                    end -= 1
                if found is None:
                    r = [UNK_ID]
                    break
                r.append(found)
                start = end
        if len(self._cache) < 500000:
            self._cache[word] = r
        return r

    def _split_specials(self, text):
        # added special tokens are matched verbatim before normalization
        parts = [(text, False)]
        for sp in SPECIALS:
            nxt = []
            for p, is_sp in parts:
                if is_sp or sp not in p:
                    nxt.append((p, is_sp))
                    continue
                segs = p.split(sp)
                for k, seg in enumerate(segs):
                    if k:
                        nxt.append((sp, True))
                    if seg:
                        nxt.append((seg, False))
            parts = nxt
        return parts

    def encode(self, text, max_len=None, add_special=True):
        ids = []
        for p, is_sp in self._split_specials(text):
            if is_sp:
                ids.append(self.ids[p])
                continue
            for w in words_of(p):
                ids.extend(self.wordpiece(w))
        if max_len is not None and len(ids) > max_len - 2:
            ids = ids[: max_len - 2]
        if add_special:
            ids = [CLS_ID] + ids + [SEP_ID]
        return ids

    def tokens(self, text):
        return [self.vocab[i] for i in self.encode(text)]


def build_vocab(texts, n_cjk=6000, n_words=12000, n_suffix=2500, min_char=3):
    """texts: iterable of raw strings (training data only)."""
    word_counts = Counter()
    for t in texts:
        word_counts.update(words_of(t))
    char_counts = Counter()
    cjk_counts = Counter()
    for w, c in word_counts.items():
        if len(w) == 1 and ord(w) <= 0xFFFF and is_chinese_cp(ord(w)):
            cjk_counts[w] += c
        else:
            for ch in w:
                char_counts[ch] += c
    vocab = list(SPECIALS)
    seen = set(vocab)

    def add(t):
        if t not in seen:
            seen.add(t)
            vocab.append(t)

    # every single (non-CJK) character seen often enough, alone and as ##c
    singles = [ch for ch, c in char_counts.most_common() if c >= min_char]
    # always include printable ASCII
    for cp in range(0x21, 0x7F):
        ch = chr(cp).lower()
        if ch not in singles:
            singles.append(ch)
    for ch in singles:
        add(ch)
    for ch in singles:
        add("##" + ch)
    for ch, c in cjk_counts.most_common(n_cjk):
        if c < 2:
            break
        add(ch)
    # whole words (non-CJK, length >= 2, containing a letter or digit)
    n = 0
    for w, c in word_counts.most_common():
        if n >= n_words:
            break
        if len(w) < 2 or c < 3 or w in seen:
            continue
        add(w)
        n += 1
    # suffix pieces: from words that are not whole-word entries
    suf = Counter()
    for w, c in word_counts.items():
        if w in seen or len(w) < 3:
            continue
        for i in range(1, len(w) - 1):
            s = w[i:]
            if 2 <= len(s) <= 6:
                suf["##" + s] += c
    for s, c in suf.most_common(n_suffix):
        add(s)
    # prefix pieces (word starts) of rare words, to cut long unknown words
    pre = Counter()
    for w, c in word_counts.items():
        if w in seen or len(w) < 5:
            continue
        for k in range(3, min(7, len(w))):
            pre[w[:k]] += c
    for s, c in pre.most_common(n_suffix // 2):
        add(s)
    return vocab


def write_tokenizer_files(vocab, folder, model_max_length=128):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        for t in vocab:
            f.write(t + "\n")
    added = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, t in enumerate(SPECIALS)
    ]
    tj = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [CLS_ID], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [SEP_ID], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
    }
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    cfg = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "tokenize_chinese_chars": True,
        "strip_accents": None,
        "model_max_length": model_max_length,
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "unk_token": "[UNK]", "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
    with open(os.path.join(folder, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump({"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                   "unk_token": "[UNK]", "mask_token": "[MASK]"}, f, indent=2)
