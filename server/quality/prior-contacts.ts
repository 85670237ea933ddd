import type { Conversation } from '../domain/conversation.ts';
import type { Turn } from '../domain/turn.ts';
import type { Store } from '../store/index.ts';
import type { Quality } from './index.ts';

const DAY = 86_400_000;

/**
 * How many earlier conversations this customer had within the repeat-contact window, for grading.
 * Looked up once per conversation (undefined when already known, or when there is nothing to look up).
 */
export async function priorContactsOf(store: Store, quality: Quality, stored: Conversation | undefined, turn: Turn): Promise<number | undefined> {
  const customerId = stored?.customerId ?? turn.customerId;
  if (stored?.priorContacts !== undefined || !customerId) return undefined;
  const startedAt = stored?.startedAt ?? turn.at;
  const earlier = await store.list({ from: startedAt - quality.config.grading.repeatContactDays * DAY, to: startedAt });
  return earlier.filter((c) => c.customerId === customerId && c.id !== turn.conversationId).length;
}
