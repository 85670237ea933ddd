import type { Conversation } from '../domain/conversation.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Store } from '../store/index.ts';
import type { QualityConfig } from './config.ts';
import { nextEscalationAt } from './deadlines.ts';

/**
 * Escalates alerts whose acknowledgement deadline passed. It keeps, per live conversation, the next
 * time something can escalate (fed by the pipeline's `conversation` events), and on each tick asks
 * the pipeline to escalate the conversations that are due, in their serial chain. Deadlines live on
 * the stored alerts, so `start` re-arms from the store after a restart.
 */
export class DeadlineTicker {
  private readonly due = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly track = (c: Conversation) => {
    const at = c.status === 'live' ? nextEscalationAt(c.alerts, this.config) : undefined;
    if (at === undefined) this.due.delete(c.id);
    else this.due.set(c.id, at);
  };

  constructor(
    private readonly pipeline: Pipeline,
    private readonly store: Store,
    private readonly config: QualityConfig['acknowledge'],
    private readonly clock: () => number,
  ) {}

  /** Re-arms from the store and follows the pipeline; ticks every `tickSeconds` unless `interval` is false (tests tick by hand). */
  async start(interval = true): Promise<void> {
    this.pipeline.on('conversation', this.track);
    for (const c of await this.store.list({ status: 'live' })) this.track(c);
    if (interval) {
      // A tick that fails (the store unreachable) leaves the deadlines armed: the next tick tries again.
      this.timer = setInterval(() => void this.tick().catch(() => {}), this.config.tickSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Escalates what is due now; resolves with the ids of the conversations it escalated. */
  async tick(): Promise<string[]> {
    const now = this.clock();
    const due = [...this.due].filter(([, at]) => at <= now).map(([id]) => id);
    const escalated = await Promise.all(due.map(async (id) => ((await this.pipeline.escalateOverdue(id)).length > 0 ? id : undefined)));
    return escalated.filter((id): id is string => id !== undefined);
  }

  /** How many live conversations have a deadline armed. */
  get armed(): number {
    return this.due.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.pipeline.off('conversation', this.track);
  }
}
