import type { Conversation } from './domain/conversation.ts';
import type { Outcome, Publisher } from './outcome.ts';

/** When a live conversation next needs a look, from what it holds now; undefined when it needs none. */
export type DueAt = (conversation: Conversation, now: number) => number | undefined;

/**
 * The command a tick runs for one due conversation, entering the flow the way a turn does; it
 * resolves true when it changed something (that change re-arms the conversation through its
 * published outcome). The ticker decides nothing itself.
 */
export type DueCommand = (conversationId: string) => Promise<boolean>;

/** Where a ticker re-arms from after a restart. */
export interface LiveConversations {
  list(filter: { status: 'live' }): Promise<Conversation[]>;
}

/**
 * The clock's way into the flow, for what happens without a turn (an acknowledgement deadline
 * passing, a customer left waiting). As a `Publisher` it keeps, per live conversation, the time
 * `dueAt` gives for the conversation each outcome carries; every `tickSeconds` it runs its command
 * for the conversations whose time has come. A conversation whose command changes nothing stays
 * due and is tried again on the next tick, as is one whose command fails (the store unreachable).
 */
export class DueTicker implements Publisher {
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private command?: DueCommand;

  constructor(
    private readonly dueAt: DueAt,
    private readonly clock: () => number,
  ) {}

  publish(outcome: Outcome): void {
    if (outcome.kind !== 'failed') this.track(outcome.conversation);
  }

  private track(c: Conversation): void {
    const at = c.status === 'live' ? this.dueAt(c, this.clock()) : undefined;
    if (at === undefined) this.due.delete(c.id);
    else this.due.set(c.id, at);
  }

  /** Arms from the live conversations; ticks every `tickSeconds` unless it is 0 (tests tick by hand). */
  async start(command: DueCommand, live: LiveConversations, tickSeconds: number): Promise<void> {
    this.command = command;
    for (const c of await live.list({ status: 'live' })) this.track(c);
    if (tickSeconds > 0) {
      this.timer = setInterval(() => void this.tick().catch(() => {}), tickSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Runs the command for every conversation due now; resolves with the ids of those it changed. */
  async tick(): Promise<string[]> {
    const command = this.command;
    if (!command) return [];
    const now = this.clock();
    const due = [...this.due].filter(([, at]) => at <= now).map(([id]) => id);
    const changed = await Promise.all(due.map(async (id) => ((await command(id)) ? id : undefined)));
    return changed.filter((id): id is string => id !== undefined);
  }

  /** How many live conversations have a time armed. */
  get armed(): number {
    return this.due.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.command = undefined;
  }
}
