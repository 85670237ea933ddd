"""Print markdown tables of a model folder's dev figures (from config.json) for its README.

usage: /usr/bin/python3 models/train/card_tables.py models/rapport-sentiment
"""
import json
import os
import sys

folder = sys.argv[1]
cfg = json.load(open(os.path.join(folder, "config.json"), encoding="utf-8"))
r = cfg["rapport"]
sent = r["task"] == "sentiment"
if sent:
    print("| dev split | n | task | accuracy | macro-F1 | negative precision | negative recall |")
    print("|---|---|---|---|---|---|---|")
    for k, v in r["dev"].items():
        kind = "3-class" if "neutral" in v["per_class"] else "binary (P(neg) vs P(pos))"
        neg = v["per_class"]["negative"]
        print(f"| {k} | {v['n']} | {kind} | {v['accuracy']*100:.1f}% | {v['macro_f1']*100:.1f} | "
              f"{neg['precision']*100:.1f} | {neg['recall']*100:.1f} |")
else:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import data
    present = {k: {labels_ for _, labels_ in rows} for k, (rows, _) in data.emotion_dev().items()}
    labels = [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))]
    print("| dev split | n | accuracy | macro-F1 | " + " | ".join(f"{l} P/R" for l in labels) + " |")
    print("|---|---|---|---|" + "---|" * len(labels))
    for k, v in r["dev"].items():
        cells = []
        for i, l in enumerate(labels):
            pc = v["per_class"][l]
            cells.append(f"{pc['precision']*100:.0f}/{pc['recall']*100:.0f}" if i in present[k] else "–")
        print(f"| {k} | {v['n']} | {v['accuracy']*100:.1f}% | {v['macro_f1']*100:.1f} | " + " | ".join(cells) + " |")
print()
c = r["calibration"]
print(f"Temperature T = {r['temperature']}: ECE (15 bins) {c['ece15_before']*100:.2f}% -> {c['ece15_after']*100:.2f}%, "
      f"NLL {c['nll_before']:.4f} -> {c['nll_after']:.4f} (fit and measured on all dev splits). Split-half check "
      f"(fit on half of each split, measured on the other half): T = {c['split_half_check']['T']}, ECE "
      f"{c['split_half_check']['ece15_before']*100:.2f}% -> {c['split_half_check']['ece15_after']*100:.2f}%.")
print()
print("Checkpoints (mean dev macro-F1):", "; ".join(f"{h['at']} @ {h['train_minutes']} min: {h['mean_dev_macro_f1']*100:.1f}"
                                               for h in r["history"]))
print("Selected:", r["selected_checkpoint"], "| train minutes at checkpoint:", r["train_minutes_at_checkpoint"],
      "| wall minutes:", r["wall_minutes_at_checkpoint"], "| params:", r["params"])
print("Train rows:", json.dumps(r["train_rows"]))
