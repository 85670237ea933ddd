/** Classification figures: accuracy, macro-F1 and per-class precision / recall. */

export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Figures {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassFigures>;
}

export function figures(gold: readonly string[], predicted: readonly string[], classes: readonly string[]): Figures {
  const perClass: Record<string, ClassFigures> = {};
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const p = predicted[i];
      if (p === c && g === c) tp++;
      else if (p === c) fp++;
      else if (g === c) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    perClass[c] = { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), support: tp + fn };
  }
  const correct = gold.filter((g, i) => predicted[i] === g).length;
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: classes.reduce((s, c) => s + perClass[c]!.f1, 0) / classes.length,
    perClass,
  };
}

/** The likeliest of the split's classes (binary splits ignore the model's neutral). */
export function predictAmong(probabilities: Record<string, number>, classes: readonly string[]): string {
  return classes.reduce((best, c) => ((probabilities[c] ?? 0) > (probabilities[best] ?? 0) ? c : best));
}

/** Mean per-class recall over the classes present in the gold labels (TweetEval's official sentiment metric). */
export function macroRecall(f: Figures): number {
  const present = Object.values(f.perClass).filter((c) => c.support > 0);
  return present.reduce((s, c) => s + c.recall, 0) / Math.max(1, present.length);
}
