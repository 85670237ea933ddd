import type { Alert } from '../domain/alert.ts';
import type { Conversation } from '../domain/conversation.ts';
import type { Outcome, Publisher } from '../outcome.ts';
import type { Store } from '../store/index.ts';
import type { QualityConfig } from './config.ts';
import { nextEscalationAt } from './deadlines.ts';

/** What the ticker needs of the rest of the server: escalating one conversation's overdue alerts, in its order. */
export interface EscalationPort {
  escalateOverdue(conversationId: string): Promise<Alert[]>;
}

/**
 * Escalates alerts whose acknowledgement deadline passed. It keeps, per live conversation, the next
 * time something can escalate (fed by the published outcomes, as a `Publisher`), and on each tick
 * asks the escalation port to escalate the conversations that are due. Deadlines live on the stored
 * alerts, so `start` re-arms from the store after a restart.
 */
export class DeadlineTicker implements Publisher {
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private port?: EscalationPort;

  constructor(
    private readonly store: Store,
    private readonly config: QualityConfig['acknowledge'],
    private readonly clock: () => number,
  ) {}

  publish(outcome: Outcome): void {
    if (outcome.kind !== 'failed') this.track(outcome.conversation);
  }

  private track(c: Conversation): void {
    const at = c.status === 'live' ? nextEscalationAt(c.alerts, this.config) : undefined;
    if (at === undefined) this.due.delete(c.id);
    else this.due.set(c.id, at);
  }

  /** Re-arms from the store; ticks every `tickSeconds` unless `interval` is false (tests tick by hand). */
  async start(port: EscalationPort, interval = true): Promise<void> {
    this.port = port;
    for (const conversation of await this.store.list({ status: 'live' })) this.track(conversation);
    if (interval) {
      // A tick that fails (the store unreachable) leaves the deadlines armed: the next tick tries again.
      this.timer = setInterval(() => void this.tick().catch(() => {}), this.config.tickSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Escalates what is due now; resolves with the ids of the conversations it escalated. */
  async tick(): Promise<string[]> {
    const port = this.port;
    if (!port) return [];
    const now = this.clock();
    const due = [...this.due].filter(([, at]) => at <= now).map(([id]) => id);
    const escalated = await Promise.all(due.map(async (id) => ((await port.escalateOverdue(id)).length > 0 ? id : undefined)));
    return escalated.filter((id): id is string => id !== undefined);
  }

  /** How many live conversations have a deadline armed. */
  get armed(): number {
    return this.due.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.port = undefined;
  }
}
