import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../server/config.ts';

/** Real multi-party TV dialogue (MELD), one array of turn texts per dialogue, in order. */
export const DIALOGUE_FILE = path.resolve(ROOT, '..', 'shared', 'data', 'dialogue-en', 'meld.train.tsv');

export function loadDialogues(file = DIALOGUE_FILE): string[][] {
  if (!existsSync(file)) throw new Error(`dialogue text not found at ${file}; the benchmarks replay it (see ../shared/data/README.md)`);
  const [header, ...lines] = readFileSync(file, 'utf8').split('\n');
  const columns = header!.split('\t');
  const idColumn = columns.indexOf('dialogue_id');
  const textColumn = columns.indexOf('text');
  const dialogues = new Map<string, string[]>();
  for (const line of lines) {
    const cells = line.split('\t');
    const text = cells[textColumn]?.trim();
    if (!text) continue;
    const id = cells[idColumn]!;
    if (!dialogues.has(id)) dialogues.set(id, []);
    dialogues.get(id)!.push(text);
  }
  return [...dialogues.values()].filter((turns) => turns.length >= 4);
}

/** Every turn of every dialogue, in file order: the texts the model benchmark scores. */
export function loadTurnTexts(file = DIALOGUE_FILE): string[] {
  return loadDialogues(file).flat();
}
