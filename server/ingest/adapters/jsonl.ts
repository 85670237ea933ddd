import { TurnInputSchema } from '../schema.ts';
import { jsonLines, parseWith, type Transcript } from './transcript.ts';

/** JSON Lines of canonical turns (the body of POST /api/turns, one per line); the export format of `rapport score`. */
export function parse(text: string): Transcript {
  const turns = jsonLines(text, 'jsonl').map(({ value, where }) => parseWith(TurnInputSchema, value, 'jsonl', where));
  return { format: 'jsonl', turns, ended: true };
}
