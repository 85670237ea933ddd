/**
 * `npm run bench:live`: starts Rapport in its own process (in-memory store, or `--redis` against a
 * redis-server this script starts on loopback), simulates N live conversations from separate load
 * processes, ramps N, and prints per step: turns/s, latency turn -> scored turn / prompt (agent socket)
 * and turn -> alert (supervisor socket), event-loop delay, CPU, RSS, and the ratio of sustained
 * throughput to the raw model limit from `npm run bench:model`. Ends with 1,000 live conversations
 * for memory. Stops the ramp at the first saturated step, so a run is bounded.
 *
 *   npm run bench:live -- [--models rapport-sentiment,bench-distilbert] [--steps 50,100,200,400,800]
 *     [--step-s 30] [--interval-ms 3000] [--memory 1000] [--per-client 100] [--redis]
 *     [--max-load 1.5] [--wait-s 300] [--label NAME] [-- rapport flags, e.g. --batch-max 8 --threads 1]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ROOT } from '../server/config.ts';
import type { ClientCommand, ClientMessage, ClientPlan, ClientResult, ConversationPlan } from './live-client.ts';
import type { ParentMessage, ServerMessage, ServerStats } from './live-server.ts';
import { loadDialogues } from './lib/dialogue.ts';
import { describeMachine, readResult, waitForQuietMachine, writeResult, type Machine } from './lib/machine.ts';
import { DEFAULT_MODELS, dtypesOf, ensureModel, MODELS_DIR } from './lib/models.ts';
import { fmt, summarize, textTable, type Summary } from './lib/stats.ts';
import type { ModelResult } from './model.ts';
import { writeReport } from './report.ts';

export interface StepRow {
  conversations: number;
  offeredPerSecond: number;
  turnsPerSecond: number;
  scored: Summary;
  prompt: Summary;
  alert: Summary;
  rejected: Record<string, number>;
  unscored: number;
  server: ServerStats;
  /** turns/s over the model's raw limit (bench:model, best batch size). */
  ratio?: number;
  saturated: boolean;
}

export interface LiveModelRun {
  model: string;
  dtype: string;
  rawLimit?: number;
  steps: StepRow[];
  memory?: StepRow;
  /** The highest turns/s of any step, over the raw limit. */
  sustainedRatio?: number;
}

export interface LiveResult {
  date: string;
  machine: Machine;
  store: 'memory' | 'redis';
  stepSeconds: number;
  intervalMs: number;
  serverArgs: string[];
  runs: LiveModelRun[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    models: { type: 'string', default: DEFAULT_MODELS.join(',') },
    steps: { type: 'string', default: '50,100,200,400,800' },
    'step-s': { type: 'string', default: '30' },
    'interval-ms': { type: 'string', default: '3000' },
    memory: { type: 'string', default: '1000' },
    'per-client': { type: 'string', default: '100' },
    redis: { type: 'boolean', default: false },
    'max-load': { type: 'string', default: '1.5' },
    'wait-s': { type: 'string', default: '300' },
    label: { type: 'string' },
  },
});

const TSX = ['--import', 'tsx'];
const stepSeconds = Number(args['step-s']);
const intervalMs = Number(args['interval-ms']);
const perClient = Number(args['per-client']);
const secret = randomBytes(32).toString('hex');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** A throwaway redis-server on loopback, no persistence. */
async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await sleep(500);
  if (redis.exitCode !== null) throw new Error('redis-server did not start (is it installed? apt-get install redis-server)');
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.kill() };
}

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(serverArgs: string[]): Promise<ServerProcess> {
    const child = fork(path.join(ROOT, 'bench', 'live-server.ts'), serverArgs, { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<ServerMessage>((resolve, reject) => {
      child.once('message', (m: ServerMessage) => resolve(m));
      child.once('exit', (code) => reject(new Error(`the Rapport server exited (${code}) before it was ready`)));
    });
    if (ready.type !== 'ready') throw new Error('unexpected message from the server');
    return new ServerProcess(child, ready.url);
  }

  private ask(message: ParentMessage): Promise<ServerStats> {
    return new Promise((resolve) => {
      this.child.once('message', (m: ServerMessage) => m.type === 'stats' && resolve(m.stats));
      this.child.send(message);
    });
  }

  reset = () => this.ask({ type: 'reset' });
  stats = () => this.ask({ type: 'stats' });

  /** Waits (bounded) for the backlog of a saturated step to clear before the next step starts. */
  async drained(maxS: number): Promise<number> {
    const until = Date.now() + maxS * 1000;
    let pending = (await this.stats()).pending;
    while (pending > 0 && Date.now() < until) {
      await sleep(500);
      pending = (await this.stats()).pending;
    }
    return pending;
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'close' } satisfies ParentMessage);
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** One step: `conversations` conversations over load processes of `perClient` each, all started together. */
async function runStep(server: ServerProcess, plans: ConversationPlan[], turns: number, stepIntervalMs: number): Promise<{ results: ClientResult[]; stats: ServerStats }> {
  const chunks: ConversationPlan[][] = [];
  for (let i = 0; i < plans.length; i += perClient) chunks.push(plans.slice(i, i + perClient));
  const drainMs = Math.max(10_000, stepIntervalMs);
  const clients = chunks.map((conversations) => {
    const child = fork(path.join(ROOT, 'bench', 'live-client.ts'), [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const plan: ClientPlan = { url: server.url, secret, conversations, turnsPerConversation: turns, intervalMs: stepIntervalMs, drainMs };
    child.send({ type: 'plan', plan } satisfies ClientCommand);
    const next = (type: ClientMessage['type']) =>
      new Promise<ClientMessage>((resolve, reject) => {
        const onMessage = (m: ClientMessage) => {
          if (m.type === 'error') reject(new Error(`load process: ${m.message}`));
          else if (m.type === type) {
            child.off('message', onMessage);
            resolve(m);
          }
        };
        child.on('message', onMessage);
      });
    return { child, next };
  });
  await Promise.all(clients.map((c) => c.next('connected')));
  await server.reset();
  const done = clients.map((c) => c.next('done'));
  for (const c of clients) c.child.send({ type: 'go' } satisfies ClientCommand);
  const results = (await Promise.all(done)).map((m) => (m as Extract<ClientMessage, { type: 'done' }>).result);
  // Taken while every conversation is still live and every socket connected: the memory figure.
  const stats = await server.stats();
  const exits = clients.map((c) => new Promise((r) => c.child.once('exit', r)));
  for (const c of clients) c.child.send({ type: 'finish' } satisfies ClientCommand);
  await Promise.race([Promise.all(exits), sleep(30_000)]);
  return { results, stats };
}

function rowOf(conversations: number, offered: number, results: ClientResult[], stats: ServerStats, rawLimit: number | undefined): StepRow {
  const all = <K extends 'scoredMs' | 'promptMs' | 'alertMs'>(k: K) => results.flatMap((r) => r[k]);
  const rejected: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.rejected)) rejected[code] = (rejected[code] ?? 0) + n;
  const windowS = Math.max(...results.map((r) => r.windowMs)) / 1000;
  const turnsPerSecond = results.reduce((a, r) => a + r.scoredInWindow, 0) / windowS;
  const unscored = results.reduce((a, r) => a + r.unscored, 0);
  const rejectedCount = Object.values(rejected).reduce((a, b) => a + b, 0);
  const scored = summarize(all('scoredMs'));
  return {
    conversations,
    offeredPerSecond: offered,
    turnsPerSecond,
    scored,
    prompt: summarize(all('promptMs')),
    alert: summarize(all('alertMs')),
    rejected,
    unscored,
    server: stats,
    ratio: rawLimit ? turnsPerSecond / rawLimit : undefined,
    // Refusals, lost turns, a rate well under the offered one or a backlog of seconds: more N only queues.
    saturated: rejectedCount > 0 || unscored > 0 || turnsPerSecond < 0.9 * offered || scored.p99 > 5000,
  };
}

export function liveTable(rows: StepRow[]): { head: string[]; rows: string[][] } {
  const head = ['N', 'offered/s', 'turns/s', 'ratio', 'scored p50', 'p95', 'p99', 'max', 'prompt p50', 'p95', 'p99', 'max', 'alert p50', 'p95', 'p99', 'max', 'refused', 'loop p99', 'loop max', 'CPU %', 'RSS MiB', 'batch'];
  return {
    head,
    rows: rows.map((r) => [
      String(r.conversations),
      fmt(r.offeredPerSecond, 1),
      fmt(r.turnsPerSecond, 1),
      r.ratio === undefined ? '–' : `${fmt(r.ratio * 100)}%`,
      ...[r.scored, r.prompt, r.alert].flatMap((s) => [fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)]),
      String(Object.values(r.rejected).reduce((a, b) => a + b, 0) + r.unscored),
      fmt(r.server.loopP99Ms, 1),
      fmt(r.server.loopMaxMs, 0),
      fmt(r.server.cpuPercent),
      String(r.server.peakRssMiB),
      fmt(r.server.meanBatch, 1),
    ]),
  };
}

function plansFor(step: string, n: number, dialogues: string[][]): ConversationPlan[] {
  return Array.from({ length: n }, (_, i) => ({ id: `bench-${step}-${i}`, agentId: `bench-agent-${step}-${i}`, texts: dialogues[i % dialogues.length]! }));
}

async function benchModel(model: string, dialogues: string[][], redisUrl: string | undefined, rawLimits: ModelResult | undefined): Promise<LiveModelRun> {
  const dtype = dtypesOf(model)[0]!;
  const rawLimit = rawLimits?.runs.find((r) => r.model === model && r.dtype === dtype)?.limit;
  // Every simulated client shares one address and the ingest bridge one token: rate limits off, the bench measures scoring.
  const limitsOff = ['--rate-per-token', '0', '--rate-per-address', '0'];
  const serverArgs = ['--port', '0', '--secret', secret, '--model', model, '--models-dir', MODELS_DIR, '--emotion-model', 'none', ...limitsOff, ...(redisUrl ? ['--redis', redisUrl] : []), ...positionals];
  console.log(`\n== ${model} (${dtype}${rawLimit ? `, raw limit ${fmt(rawLimit, 1)} turns/s` : ', no raw limit yet: run npm run bench:model'}), ${redisUrl ? 'Redis' : 'in-memory'} store`);
  const server = await ServerProcess.start(serverArgs);
  const run: LiveModelRun = { model, dtype, rawLimit, steps: [] };
  const turns = Math.max(2, Math.round((stepSeconds * 1000) / intervalMs));
  try {
    for (const n of args.steps.split(',').map(Number)) {
      const offered = (n * 1000) / intervalMs;
      process.stdout.write(`  N=${n}: ${turns} turns each, ${fmt(offered, 1)} turns/s offered … `);
      const { results, stats } = await runStep(server, plansFor(`${model}-${n}`, n, dialogues), turns, intervalMs);
      const row = rowOf(n, offered, results, stats, rawLimit);
      run.steps.push(row);
      console.log(`${fmt(row.turnsPerSecond, 1)} turns/s, scored p99 ${fmt(row.scored.p99)} ms, prompt p99 ${fmt(row.prompt.p99)} ms, alert p99 ${fmt(row.alert.p99)} ms${row.saturated ? ' (saturated: ramp stops here)' : ''}`);
      const left = await server.drained(60);
      if (row.saturated || left > 0) break;
    }
    const sustained = Math.max(...run.steps.map((s) => s.turnsPerSecond));
    run.sustainedRatio = rawLimit ? sustained / rawLimit : undefined;
    const memoryN = Number(args.memory);
    if (memoryN > 0) {
      // Two turns per conversation, paced at 80% of the sustained rate so the figure is memory, not a backlog.
      const memoryIntervalMs = Math.max(intervalMs, (memoryN / (0.8 * sustained)) * 1000);
      process.stdout.write(`  memory: ${memoryN} live conversations, 2 turns each … `);
      const { results, stats } = await runStep(server, plansFor(`${model}-memory`, memoryN, dialogues), 2, memoryIntervalMs);
      run.memory = rowOf(memoryN, (memoryN * 1000) / memoryIntervalMs, results, stats, rawLimit);
      console.log(`RSS ${stats.rssMiB} MiB (peak ${stats.peakRssMiB} MiB)`);
    }
  } finally {
    await server.close();
  }
  return run;
}

async function main(): Promise<void> {
  const models = args.models.split(',').filter(Boolean);
  models.forEach((m) => ensureModel(m));
  const dialogues = loadDialogues();
  const rawLimits = readResult<ModelResult>('model');
  await waitForQuietMachine(Number(args['max-load']), Number(args['wait-s']));
  const machine = describeMachine();
  console.log(`bench:live on ${machine.cpu} (${machine.cores} cores), load ${machine.loadBefore.toFixed(2)}; ${stepSeconds} s per step, a turn every ${intervalMs} ms per conversation, ${perClient} conversations per load process`);
  const redis = args.redis ? await startRedis() : undefined;
  const runs: LiveModelRun[] = [];
  try {
    for (const model of models) runs.push(await benchModel(model, dialogues, redis?.url, rawLimits));
  } finally {
    redis?.stop();
  }
  machine.loadAfter = os.loadavg()[0]!;
  const result: LiveResult = { date: new Date().toISOString(), machine, store: redis ? 'redis' : 'memory', stepSeconds, intervalMs, serverArgs: positionals, runs };
  const file = writeResult(args.label ?? (redis ? 'live-redis' : 'live'), result);
  for (const run of runs) {
    const { head, rows } = liveTable([...run.steps, ...(run.memory ? [run.memory] : [])]);
    console.log(`\n${run.model} (${run.dtype}), ${result.store} store — latency in ms${run.memory ? `; last row: memory at ${run.memory.conversations} conversations` : ''}`);
    console.log(textTable(head, rows));
    console.log(`sustained throughput / raw limit: ${run.sustainedRatio === undefined ? '– (run npm run bench:model)' : `${fmt(run.sustainedRatio * 100)}%`}`);
  }
  console.log(`\nload average ${machine.loadBefore.toFixed(2)} → ${machine.loadAfter.toFixed(2)}; results in ${file}`);
  if (!args.label) console.log(`updated ${writeReport()}`);
}

await main();
