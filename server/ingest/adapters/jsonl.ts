import { TurnInputSchema } from '../schema.ts';
import { jsonLines, parseWith, textOf, type Transcript, type TranscriptFormat } from './transcript.ts';

/** JSON Lines of canonical turns (the body of POST /api/turns, one per line); the export format of `rapport score`. */
function parse(text: string): Transcript {
  const turns = jsonLines(text, 'jsonl').map(({ value, where }) => parseWith(TurnInputSchema, value, 'jsonl', where));
  return { format: 'jsonl', turns, ended: true };
}

export const jsonl: TranscriptFormat = {
  name: 'jsonl',
  detect: { content: (head) => /"conversationId"\s*:/u.test(head) && /"speaker"\s*:/u.test(head) },
  parse: (input) => parse(textOf(input, 'jsonl')),
};
