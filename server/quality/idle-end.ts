import type { Conversation } from '../domain/conversation.ts';
import type { Channel } from '../domain/turn.ts';
import type { Outcome, Publisher } from '../outcome.ts';
import type { Store } from '../store/index.ts';
import type { QualityConfig } from './config.ts';

/** What the sweeper needs of the rest of the server: ending one conversation, in its order. */
export interface EndPort {
  end(conversationId: string): Promise<Conversation | undefined>;
}

/**
 * Ends live conversations nobody has spoken in for the configured idle time of their channel, so a
 * conversation whose sender never calls `POST /api/conversations/:id/end` still reaches QA, metrics
 * and sampling. A conversation's last activity is the later of its stored `updatedAt` (the time of
 * its last turn) and when this process last saw an outcome for it (a turn, a partial, an alert
 * change; fed as a `Publisher`), so turns sent with old timestamps (a replayed file) do not end a
 * conversation that is in fact active. After a restart every live conversation gets a full idle
 * period from the start.
 */
export class IdleEnder implements Publisher {
  private readonly seen = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private port?: EndPort;

  constructor(
    private readonly store: Store,
    private readonly config: QualityConfig['idleEnd'],
    private readonly clock: () => number,
  ) {}

  publish(outcome: Outcome): void {
    if (outcome.kind === 'failed') return;
    const c = outcome.conversation;
    if (c.status === 'live') this.seen.set(c.id, this.clock());
    else this.seen.delete(c.id);
  }

  idleMsOf(channel: Channel): number {
    return this.config.minutes[channel] * 60_000;
  }

  /** Starts from the store's live conversations; sweeps every `tickSeconds` unless `interval` is false (tests sweep by hand). */
  async start(port: EndPort, interval = true): Promise<void> {
    this.port = port;
    const now = this.clock();
    for (const c of await this.store.list({ status: 'live' })) this.seen.set(c.id, now);
    if (interval) {
      this.timer = setInterval(() => void this.sweep().catch(() => undefined), this.config.tickSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Ends every live conversation idle for longer than its channel allows; resolves with their ids. */
  async sweep(): Promise<string[]> {
    const port = this.port;
    if (!port) return [];
    const now = this.clock();
    const idle = (await this.store.list({ status: 'live' })).filter((c) => {
      const last = Math.max(c.updatedAt, this.seen.get(c.id) ?? 0);
      return now - last >= this.idleMsOf(c.channel);
    });
    const ended = await Promise.all(idle.map(async (c) => ((await port.end(c.id))?.status === 'ended' ? c.id : undefined)));
    for (const c of idle) this.seen.delete(c.id);
    return ended.filter((id): id is string => id !== undefined);
  }

  stop(): void {
    clearInterval(this.timer);
    this.port = undefined;
  }
}
