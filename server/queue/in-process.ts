import type { Turn } from '../domain/turn.ts';
import type { QueueStats, TurnHandler, TurnQueue } from './queue.ts';

/**
 * Hands each turn straight to the handler in this process: the embedded demo mode, where a crash
 * loses everything anyway. Order per conversation is kept by the pipeline's per-conversation chain.
 */
export class InProcessQueue implements TurnQueue {
  readonly kind = 'in-process';
  private readonly inFlight = new Set<string>();
  private handler?: TurnHandler;
  private readonly running = new Set<Promise<void>>();

  get backlog(): number {
    return this.inFlight.size;
  }

  async start(handler: TurnHandler): Promise<void> {
    this.handler = handler;
  }

  async enqueue(turn: Turn, acceptedAt: number): Promise<{ duplicate: boolean }> {
    if (!this.handler) throw new Error('the turn queue has not been started');
    const key = `${turn.conversationId}\u0000${turn.turnId}`;
    if (this.inFlight.has(key)) return { duplicate: true };
    this.inFlight.add(key);
    // The handler reports its own failures (the pipeline's `failed` event); here they only end the wait.
    const done: Promise<void> = this.handler(turn, acceptedAt, false)
      .catch(() => {})
      .finally(() => {
        this.inFlight.delete(key);
        this.running.delete(done);
      });
    this.running.add(done);
    return { duplicate: false };
  }

  /** Nothing to wait for: the pipeline's per-conversation chain already puts the end after queued turns. */
  async settle(): Promise<boolean> {
    return true;
  }

  async stats(): Promise<QueueStats> {
    return { shards: [], owned: 0 };
  }

  async close(): Promise<void> {
    this.handler = undefined;
    await Promise.allSettled([...this.running]);
  }
}
