import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Outcome, Publisher } from '../outcome.ts';
import { postContactSummary } from './post-contact.ts';

/** A conversation id as a file name: ids are limited to [\w.:@-], so only ":" needs replacing. */
export function fileStem(conversationId: string): string {
  return conversationId.replace(/:/gu, '_');
}

/** Writes each ended conversation's post-contact summary to `dir`, for tools that pick up files. */
export function summaryWriter(dir: string, clock: () => number, log: Logger): Publisher {
  return {
    publish(o: Outcome) {
      if (o.kind !== 'ended') return;
      const c = o.conversation;
      const file = path.join(dir, `${fileStem(c.id)}.summary.json`);
      mkdir(dir, { recursive: true })
        .then(() => writeFile(file, `${JSON.stringify(postContactSummary(c, clock()), null, 2)}\n`))
        .catch((error: unknown) => log.error({ err: error, conversationId: c.id }, 'post-contact summary not written'));
    },
  };
}
