"""Export a trained Classifier to a transformers.js model folder, and load one back.

The folder holds config.json, tokenizer.json, tokenizer_config.json, vocab.txt,
onnx/model.onnx. The ONNX file is exported without constant folding so its
initializers keep the torch parameter names: `load_folder` rebuilds the torch
model from the ONNX weights (used by evaluate.py and train.py --init), so no
second copy of the weights is committed.
"""
import json
import os
import shutil

import torch

from model import Classifier

TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"]


def transformers_config(arch, labels, rapport):
    """config.json as transformers.js reads it: a BERT sequence classifier of the model's shape."""
    return {
        "model_type": "bert",
        "architectures": ["BertForSequenceClassification"],
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "vocab_size": arch["vocab_size"],
        "hidden_size": arch["hidden"],
        "num_hidden_layers": arch["layers"],
        "num_attention_heads": arch["heads"],
        "intermediate_size": arch["ffn"],
        "max_position_embeddings": arch["max_pos"],
        "hidden_act": "gelu",
        "type_vocab_size": 1,
        "pad_token_id": 0,
        "problem_type": "single_label_classification",
        "rapport": rapport,
    }


def export_folder(model, out, labels, tokenizer_src, rapport_meta, opset=14):
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    if os.path.abspath(tokenizer_src) != os.path.abspath(out):
        for f in TOKENIZER_FILES:
            p = os.path.join(tokenizer_src, f)
            if os.path.exists(p):
                shutil.copy(p, os.path.join(out, f))
    model = model.eval()
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    path = os.path.join(out, "onnx", "model.onnx")
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask), path, opset_version=opset,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                          "attention_mask": {0: "batch_size", 1: "sequence_length"},
                          "logits": {0: "batch_size"}},
            do_constant_folding=False,
        )
    cfg = transformers_config(model.cfg, labels, dict(rapport_meta, arch=model.cfg, note=(
        "Not a Hugging Face BERT checkpoint: a Rapport pre-LN encoder with masked mean pooling "
        "and a factorized token embedding (embedding_size=arch.emb), exported to ONNX; "
        "only the ONNX graph and tokenizer are meant to be loaded.")))
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
    check_initializer_names(model, path)
    return path


def check_initializer_names(model, path):
    import onnx
    names = {i.name for i in onnx.load(path, load_external_data=False).graph.initializer}
    missing = [k for k in model.state_dict() if k not in names]
    if missing:
        raise RuntimeError(f"ONNX initializers lack parameter names: {missing[:5]}")


def load_folder(folder):
    """-> (torch Classifier in eval mode, labels list, config dict)."""
    import onnx
    from onnx import numpy_helper
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    a = cfg["rapport"]["arch"]
    labels = [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))]
    model = Classifier(a["vocab_size"], a["n_labels"], hidden=a["hidden"], layers=a["layers"],
                       heads=a["heads"], ffn=a["ffn"], max_pos=a["max_pos"], emb=a["emb"],
                       dropout=a["dropout"], wide_buckets=a.get("wide_buckets", 0), wide_dim=a.get("wide_dim", 4))
    g = onnx.load(os.path.join(folder, "onnx", "model.onnx")).graph
    w = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    sd = model.state_dict()
    model.load_state_dict({k: w[k] for k in sd})
    return model.eval(), labels, cfg
