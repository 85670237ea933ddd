import type { Conversation } from '../domain/conversation.ts';
import { nextTimedCheckAt, type TimedRule } from './timed.ts';

/**
 * The narrow port the rule ticker needs, and all it knows of the pipeline: conversation changes
 * as they are announced, and a way to have one conversation's timed rules judged now. The tick
 * enters the flow the way a turn does, from outside; the ticker decides nothing itself.
 */
export interface TickPort {
  on(event: 'conversation', listener: (c: Conversation) => void): unknown;
  off(event: 'conversation', listener: (c: Conversation) => void): unknown;
  tick(conversationId: string): Promise<void>;
}

/** Where the ticker re-arms from after a restart. */
export interface LiveConversations {
  list(filter: { status: 'live' }): Promise<Conversation[]>;
}

/**
 * Clock ticks for the timed rules (a customer waiting, a silent call): it keeps, per live
 * conversation, when a timed rule next needs a look (from the pure `nextCheckAt` of each rule), and
 * every `tickSeconds` sends a tick for those that are due.
 */
export class RuleTicker {
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly track = (c: Conversation) => {
    const at = nextTimedCheckAt(this.rules, c, this.clock());
    if (at === undefined) this.due.delete(c.id);
    else this.due.set(c.id, at);
  };

  constructor(
    private readonly port: TickPort,
    private readonly rules: readonly TimedRule[],
    private readonly clock: () => number,
  ) {}

  /** Follows the port and re-arms from the live conversations; ticks every `tickSeconds` unless it is 0 (tests tick by hand). */
  async start(live: LiveConversations, tickSeconds: number): Promise<void> {
    this.port.on('conversation', this.track);
    for (const c of await live.list({ status: 'live' })) this.track(c);
    if (tickSeconds > 0) {
      this.timer = setInterval(() => void this.tick(), tickSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Ticks the conversations that are due now; resolves with their ids. */
  async tick(): Promise<string[]> {
    const now = this.clock();
    const due = [...this.due].filter(([, at]) => at <= now).map(([id]) => id);
    // A tick that changes something re-arms the conversation through its `conversation` event; one
    // that changes nothing stays due and is tried again on the next tick.
    await Promise.all(due.map((id) => this.port.tick(id)));
    return due;
  }

  /** How many live conversations have a check armed. */
  get armed(): number {
    return this.due.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.port.off('conversation', this.track);
  }
}
