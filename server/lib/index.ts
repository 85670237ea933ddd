/** Small pure helpers more than one folder needs; one of each. */

/** The arithmetic mean; null for no values. */
export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** `x` to `digits` decimals, as a number; null stays null. */
export function roundTo(x: number | null, digits = 3): number | null {
  return x === null ? null : Number(x.toFixed(digits));
}

/** Items by key, each group in the items' order, groups in the order their key first appears. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** FNV-1a, 32 bits unsigned: a hash that is the same in every process and version, unlike anything seeded. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
