import { sign, SIGNATURE_HEADER } from './signature.ts';
import type { Delivery, DeliveryAttempt, WebhookQueue } from './queue.ts';

export interface DispatcherOptions {
  url: string;
  secret: string;
  queue: WebhookQueue;
  /** Attempts before a delivery goes to the dead-letter list. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often the queue is looked at for due retries. */
  pollMs: number;
  timeoutMs: number;
  /** Deliveries sent at once (one per conversation at most). */
  concurrency: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

/** Statuses worth retrying: the receiver is down, busy or slow. Any other 4xx is final. */
const RETRYABLE = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Sends queued events to the receiver: signed JSON, an Idempotency-Key that is the event id, retries
 * with exponential backoff, a dead-letter list after maxAttempts, every attempt in the delivery log.
 * Delivery is at least once: a receiver that answered 2xx too late sees the event again, same key.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly clock: () => number;

  constructor(private readonly o: DispatcherOptions) {
    this.clock = o.clock ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Look at the queue now (a new event was queued) instead of at the next poll. */
  wake(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  backoffMs(attempts: number): number {
    return Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempts - 1));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.o.onError?.(error))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.o.pollMs);
        });
    }, ms);
  }

  private async tick(): Promise<void> {
    // Drain what is due, round after round, so a backlog goes out without waiting a poll per event.
    for (;;) {
      const due = await this.o.queue.due(this.clock(), this.o.concurrency);
      if (due.length === 0 || this.stopped) return;
      await Promise.all(due.map((d) => this.attempt(d)));
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const body = JSON.stringify(d.event);
    const attempt = d.attempts + 1;
    const base: Omit<DeliveryAttempt, 'outcome'> = {
      deliveryId: d.id,
      eventId: d.event.id,
      type: d.event.type,
      conversationId: d.event.conversationId,
      sequence: d.event.sequence,
      attempt,
      at: this.clock(),
    };
    let status: number | undefined;
    let error: string | undefined;
    try {
      const res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: sign(this.o.secret, body, this.clock()),
          'Idempotency-Key': d.event.id,
          'Rapport-Event': d.event.type,
          'Rapport-Delivery-Attempt': String(attempt),
          'user-agent': 'rapport-webhooks/1',
        },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel();
      if (res.ok) {
        await this.o.queue.delivered(d);
        await this.o.queue.log({ ...base, outcome: 'delivered', status });
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    }
    const failed = { ...d, attempts: attempt, lastError: error };
    if (attempt >= this.o.maxAttempts || (status !== undefined && !RETRYABLE(status))) {
      await this.o.queue.deadLetter(failed);
      await this.o.queue.log({ ...base, outcome: 'dead-letter', status, error });
      return;
    }
    await this.o.queue.retryLater({ ...failed, nextAttemptAt: this.clock() + this.backoffMs(attempt) });
    await this.o.queue.log({ ...base, outcome: 'retry', status, error });
  }
}
