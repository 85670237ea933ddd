"""A small BERT-style encoder classifier in plain torch (pre-LN transformer,
learned positions, optional factorized token embedding, masked mean pooling)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads, dropout):
        super().__init__()
        self.h = heads
        self.dh = d // heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.h, self.dh).permute(2, 0, 3, 1, 4)
        s = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.dh)) + bias
        p = self.drop(torch.softmax(s, dim=-1))
        o = torch.matmul(p, v).transpose(1, 2).reshape(b, t, d)
        return self.out(o)


class Layer(nn.Module):
    def __init__(self, d, heads, ffn, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads, dropout)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ffn)
        self.ff2 = nn.Linear(ffn, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias):
        x = x + self.drop(self.attn(self.ln1(x), bias))
        x = x + self.drop(self.ff2(self.drop(F.gelu(self.ff1(self.ln2(x))))))
        return x


class Classifier(nn.Module):
    def __init__(self, vocab_size, n_labels, hidden=128, layers=2, heads=4, ffn=512,
                 max_pos=128, emb=None, dropout=0.1, wide_buckets=0, wide_dim=4):
        super().__init__()
        emb = emb or hidden
        self.cfg = dict(vocab_size=vocab_size, n_labels=n_labels, hidden=hidden, layers=layers,
                        heads=heads, ffn=ffn, max_pos=max_pos, emb=emb, dropout=dropout,
                        wide_buckets=wide_buckets, wide_dim=wide_dim)
        # The "wide" branch: a bag of token unigrams and hashed bigrams / trigrams, mean-pooled and
        # added to the logits -- an n-gram linear model (what a TF-IDF logistic regression learns)
        # inside the same graph, so surface cues are learned fast while the encoder learns context.
        if wide_buckets:
            self.wide = nn.Embedding(wide_buckets, wide_dim)
            self.wide_head = nn.Linear(wide_dim, n_labels)
        self.tok = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.proj = nn.Linear(emb, hidden) if emb != hidden else None
        self.pos = nn.Embedding(max_pos, hidden)
        self.emb_drop = nn.Dropout(dropout)
        self.layers = nn.ModuleList([Layer(hidden, heads, ffn, dropout) for _ in range(layers)])
        self.ln = nn.LayerNorm(hidden)
        self.head_drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_labels)
        self.register_buffer("position_ids", torch.arange(max_pos).unsqueeze(0), persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        x = self.tok(input_ids)
        if self.proj is not None:
            x = self.proj(x)
        x = x + self.pos(self.position_ids[:, :t])
        x = self.emb_drop(x)
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        x = self.ln(x)
        mm = m.unsqueeze(-1)
        pooled = (x * mm).sum(1) / mm.sum(1).clamp(min=1.0)
        logits = self.head(self.head_drop(pooled))
        if self.cfg["wide_buckets"]:
            logits = logits + self.wide_head(self.wide_bag(input_ids, attention_mask))
        return logits

    def wide_bag(self, ids, mask):
        """Mean of the embeddings of every unigram, bigram and trigram of the (unpadded) token ids.
        Unigrams keep their id; n-grams are hashed into the buckets above the vocabulary. Integer
        Mul/Add/Mod only, so it exports to ONNX; ids < 2^15 and these primes keep it within int64."""
        V, B = self.cfg["vocab_size"], self.cfg["wide_buckets"]
        bi = (ids[:, :-1] * 1000003 + ids[:, 1:]) % (B - V) + V
        tri = (ids[:, :-2] * 999983 * 1000003 + ids[:, 1:-1] * 999979 + ids[:, 2:]) % (B - V) + V
        grams = torch.cat([ids, bi, tri], 1)
        m = mask.to(torch.float32)
        valid = torch.cat([m, m[:, :-1] * m[:, 1:], m[:, :-2] * m[:, 1:-1] * m[:, 2:]], 1).unsqueeze(-1)
        return (self.wide(grams) * valid).sum(1) / valid.sum(1).clamp(min=1.0)
