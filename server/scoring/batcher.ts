/**
 * Micro-batching: concurrent requests that arrive within `maxWaitMs` of each other share one model
 * call of up to `maxBatch` items. A model call costs much less per item in a batch, so under load the
 * batcher trades a few milliseconds of waiting for several times the throughput.
 */

/** Work refused for now because a bound is reached (scoring backlog, live conversations); the sender retries shortly. */
export class SaturatedError extends Error {
  constructor(reason: string) {
    super(`${reason}; retry shortly`);
    this.name = 'SaturatedError';
  }
}

export interface BatcherOptions {
  maxBatch: number;
  maxWaitMs: number;
  /** Backpressure: beyond this many waiting items, new items are refused with SaturatedError. */
  maxQueue: number;
  /** Called after each model call, for metrics. */
  onBatch?: (size: number, ms: number) => void;
}

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly o: BatcherOptions,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.o.maxQueue) return Promise.reject(new SaturatedError(`scoring is saturated (${this.queue.length} texts waiting)`));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.o.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.o.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // One model call at a time: the runtime already uses every core, and waiting items keep
    // accumulating into the next, larger batch.
    if (this.running > 0 || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.o.maxBatch);
    this.running++;
    const started = performance.now();
    this.run(batch.map((p) => p.item))
      .then(
        (outputs) => {
          this.o.onBatch?.(batch.length, performance.now() - started);
          batch.forEach((p, i) => p.resolve(outputs[i]!));
        },
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.running--;
        if (this.queue.length > 0) this.flush();
      });
  }
}
