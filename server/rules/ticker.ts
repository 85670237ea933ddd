import type { Conversation } from '../domain/conversation.ts';
import type { Outcome, Publisher } from '../outcome.ts';
import { nextTimedCheckAt, type TimedRule } from './timed.ts';

/**
 * The narrow port the rule ticker needs, and all it knows of the rest of the server: a way to have
 * one conversation's timed rules judged now, in its order (a command). The tick enters the flow the
 * way a turn does, from outside; the ticker decides nothing itself.
 */
export interface TickPort {
  judgeTimedRules(conversationId: string): Promise<unknown>;
}

/** Where the ticker re-arms from after a restart. */
export interface LiveConversations {
  list(filter: { status: 'live' }): Promise<Conversation[]>;
}

/**
 * Clock ticks for the timed rules (a customer waiting, a silent call): it keeps, per live
 * conversation, when a timed rule next needs a look (from the pure `nextCheckAt` of each rule, fed by
 * the published outcomes as a `Publisher`), and every `tickSeconds` asks the port to judge those due.
 */
export class RuleTicker implements Publisher {
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private port?: TickPort;

  constructor(
    private readonly rules: readonly TimedRule[],
    private readonly clock: () => number,
  ) {}

  publish(outcome: Outcome): void {
    if (outcome.kind !== 'failed') this.track(outcome.conversation);
  }

  private track(c: Conversation): void {
    const at = nextTimedCheckAt(this.rules, c, this.clock());
    if (at === undefined) this.due.delete(c.id);
    else this.due.set(c.id, at);
  }

  /** Re-arms from the live conversations; ticks every `tickSeconds` unless it is 0 (tests tick by hand). */
  async start(port: TickPort, live: LiveConversations, tickSeconds: number): Promise<void> {
    this.port = port;
    for (const c of await live.list({ status: 'live' })) this.track(c);
    if (tickSeconds > 0) {
      // A tick that fails (the store unreachable) leaves the checks armed: the next tick tries again.
      this.timer = setInterval(() => void this.tick().catch(() => {}), tickSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Ticks the conversations that are due now; resolves with their ids. */
  async tick(): Promise<string[]> {
    const port = this.port;
    if (!port) return [];
    const now = this.clock();
    const due = [...this.due].filter(([, at]) => at <= now).map(([id]) => id);
    // A tick that changes something re-arms the conversation through its published outcome; one
    // that changes nothing stays due and is tried again on the next tick.
    await Promise.all(due.map((id) => port.judgeTimedRules(id)));
    return due;
  }

  /** How many live conversations have a check armed. */
  get armed(): number {
    return this.due.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.port = undefined;
  }
}
