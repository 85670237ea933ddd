import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome, Publisher } from '../outcome.ts';
import type { TurnQueue } from '../queue/index.ts';

/** Prometheus metrics for /metrics. Counts flow through the pipeline; it never reads them back. */
export class Metrics {
  readonly registry = new Registry();
  readonly turnsAccepted = new Counter({ name: 'rapport_turns_accepted_total', help: 'Turns accepted', registers: [this.registry] });
  readonly turnsRejected = new Counter({
    name: 'rapport_turns_rejected_total',
    help: 'Turns rejected, by reason',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly turnsScored = new Counter({ name: 'rapport_turns_scored_total', help: 'Turns scored', registers: [this.registry] });
  readonly turnLatency = new Histogram({
    name: 'rapport_turn_latency_seconds',
    help: 'From a turn accepted to its scored result broadcast',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'rapport_scoring_batch_size',
    help: 'Texts per model call',
    labelNames: ['model'],
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'rapport_scoring_batch_seconds',
    help: 'Duration of one model call',
    labelNames: ['model'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly alerts = new Counter({ name: 'rapport_alerts_total', help: 'Alerts opened, by rule and severity', labelNames: ['rule', 'severity'], registers: [this.registry] });
  readonly prompts = new Counter({ name: 'rapport_prompts_total', help: 'Prompts sent to agents, by source', labelNames: ['source'], registers: [this.registry] });
  readonly failures = new Counter({ name: 'rapport_pipeline_failures_total', help: 'Turns whose processing failed', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'rapport_' });
  }

  observePending(pending: () => number): void {
    new Gauge({
      name: 'rapport_turns_pending',
      help: 'Turns accepted and not yet processed',
      registers: [this.registry],
      collect() {
        this.set(pending());
      },
    });
  }

  /** Counts from the published outcomes. */
  publisher(clock: () => number): Publisher {
    return {
      publish: (o: Outcome) => {
        if (o.kind === 'failed') return void this.failures.inc();
        if (o.kind === 'whisper') return void this.prompts.inc({ source: o.prompt.source });
        if (o.kind === 'turn') {
          this.turnsScored.inc();
          this.turnLatency.observe((clock() - o.acceptedAt) / 1000);
          for (const prompt of o.prompts) this.prompts.inc({ source: prompt.source });
        }
        if (o.kind === 'alerts') for (const prompt of o.prompts ?? []) this.prompts.inc({ source: prompt.source });
        if (o.kind === 'turn' || o.kind === 'alerts') {
          for (const { alert, change } of o.alerts) if (change === 'opened') this.alerts.inc({ rule: alert.rule, severity: alert.severity });
        }
      },
    };
  }

  /** Turn stream depth per shard, as the queue last measured it (Redis mode; empty in-process). */
  observeQueue(queue: TurnQueue): void {
    const perShard = (name: string, help: string, field: 'length' | 'lag' | 'pending') =>
      new Gauge({
        name,
        help,
        labelNames: ['shard'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const s of (await queue.stats()).shards) this.set({ shard: String(s.shard) }, s[field]);
        },
      });
    perShard('rapport_stream_length', 'Entries in each turn stream shard', 'length');
    perShard('rapport_stream_lag', 'Turns in each shard not yet read by any worker', 'lag');
    perShard('rapport_stream_pending', 'Turns read by a worker and not yet acknowledged, per shard', 'pending');
    new Gauge({
      name: 'rapport_stream_shards_owned',
      help: 'Turn stream shards this process is scoring',
      registers: [this.registry],
      async collect() {
        this.set((await queue.stats()).owned);
      },
    });
  }

  observeBatch(model: string, size: number, ms: number): void {
    this.batchSize.observe({ model }, size);
    this.batchSeconds.observe({ model }, ms / 1000);
  }
}
