/**
 * Writes docs/BENCHMARKS.md and its plot (docs/benchmarks-latency.svg) from the results the bench
 * scripts leave in bench/results/. bench:model and bench:live call it after each run; on its own:
 * `npx tsx bench/report.ts`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../server/config.ts';
import type { LiveResult, StepRow } from './live.ts';
import { readResult, type Machine } from './lib/machine.ts';
import { BENCH_MODEL } from './lib/models.ts';
import { fmt, markdownTable } from './lib/stats.ts';
import type { ModelResult } from './model.ts';

const DOC = path.join(ROOT, 'docs', 'BENCHMARKS.md');
const PLOT = path.join(ROOT, 'docs', 'benchmarks-latency.svg');
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.9;
const TARGET_N = 200;

interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: { n: number; ms: number }[];
}

/** p99 against live conversations, log-scale latency, with the 100 ms target line. */
function plotSvg(series: Series[]): string {
  const W = 720, H = 420, left = 70, right = 230, top = 30, bottom = 50;
  const ns = [...new Set(series.flatMap((s) => s.points.map((p) => p.n)))].sort((a, b) => a - b);
  const values = series.flatMap((s) => s.points.map((p) => p.ms)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(5, ...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(TARGET_P99_MS * 2, ...values)));
  const x = (n: number) => left + (ns.length === 1 ? 0.5 : ns.indexOf(n) / (ns.length - 1)) * (W - left - right);
  const y = (ms: number) => top + (1 - (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - top - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">p99 turn → prompt on the agent&apos;s socket, against live conversations</text>`,
  ];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`);
  }
  for (const n of ns) out.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${top}" y2="${H - bottom}" stroke="#eee"/>`, `<text x="${x(n)}" y="${H - bottom + 18}" text-anchor="middle">${n}</text>`);
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 12}" text-anchor="middle">live conversations (each sends a turn every 3 s)</text>`);
  out.push(`<line x1="${left}" x2="${W - right}" y1="${y(TARGET_P99_MS)}" y2="${y(TARGET_P99_MS)}" stroke="#c00" stroke-dasharray="6 4"/>`, `<text x="${W - right - 4}" y="${y(TARGET_P99_MS) - 5}" text-anchor="end" fill="#c00">target p99 ${TARGET_P99_MS} ms</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.ms));
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${pts.map((p) => `${x(p.n)},${y(p.ms)}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${x(p.n)}" cy="${y(p.ms)}" r="3" fill="${s.color}"/>`);
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${W - right + 15}" x2="${W - right + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`, `<text x="${W - right + 46}" y="${ly + 4}">${s.name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Results of `bench:live --label NAME` runs that the page shows, and what each one varied. */
const EXPERIMENTS = [
  { label: 'threads-default', what: 'onnxruntime intra-op threads left to the runtime (2 here)' },
  { label: 'threads-1', what: 'onnxruntime intra-op threads 1 (`--threads 1`), leaving a core to the event loop' },
  { label: 'backpressure', what: 'a saturated step with the queue bounded at 200 turns (`--max-pending 200`): refusals instead of a growing backlog' },
];

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2'];

/** Above this 1-minute load average per core the machine was doing other work during the run. */
const BUSY_LOAD_PER_CORE = 0.75;

function machineLine(m: Machine): string {
  const busy = Math.max(m.loadBefore, m.loadAfter ?? 0) > BUSY_LOAD_PER_CORE * m.cores;
  const shared = busy ? ' — **the machine was shared with other work during this run**, so latencies are pessimistic' : '';
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}; 1-minute load average ${m.loadBefore.toFixed(2)} at the start, ${m.loadAfter?.toFixed(2) ?? '?'} at the end${shared}`;
}

function liveTableMd(rows: StepRow[]): string {
  const head = ['N', 'offered turns/s', 'turns/s', 'of raw limit', 'turn→scored p50 / p95 / p99 / max', 'turn→prompt p50 / p95 / p99 / max', 'turn→alert p50 / p95 / p99 / max', 'refused / late', 'loop delay p99 / max', 'CPU %', 'RSS MiB (peak)', 'mean batch'];
  const q = (s: StepRow['scored']) => `${fmt(s.p50)} / ${fmt(s.p95)} / **${fmt(s.p99)}** / ${fmt(s.max)}`;
  return markdownTable(
    head,
    rows.map((r) => [
      String(r.conversations),
      fmt(r.offeredPerSecond, 1),
      fmt(r.turnsPerSecond, 1),
      r.ratio === undefined ? '–' : `${fmt(r.ratio * 100)}%`,
      q(r.scored),
      `${q(r.prompt)} (n=${r.prompt.n})`,
      `${q(r.alert)} (n=${r.alert.n})`,
      `${Object.values(r.rejected).reduce((a, b) => a + b, 0)} / ${r.unscored}`,
      `${fmt(r.server.loopP99Ms, 1)} / ${fmt(r.server.loopMaxMs)}`,
      fmt(r.server.cpuPercent),
      `${r.server.rssMiB} (${r.server.peakRssMiB})`,
      fmt(r.server.meanBatch, 1),
    ]),
  );
}

function liveSection(title: string, live: LiveResult): string {
  const parts = [`### ${title}`, '', `Run ${live.date} · ${live.store} store · ${live.stepSeconds} s per step · server flags: ${live.serverArgs.join(' ') || '(defaults)'}`, '', machineLine(live.machine), ''];
  for (const run of live.runs) {
    const bound = run.steps.some((s) => s.saturated) ? '' : ' (no step saturated the model, so only a lower bound)';
    parts.push(`**${run.model}** (${run.dtype}${run.rawLimit ? `, raw limit ${fmt(run.rawLimit, 1)} turns/s` : ''}): sustained throughput ${run.sustainedRatio === undefined ? '–' : `${fmt(run.sustainedRatio * 100)}% of the raw limit${bound}`}`, '');
    parts.push(liveTableMd([...run.steps, ...(run.memory ? [run.memory] : [])]), '');
    if (run.memory) parts.push(`Last row: ${run.memory.conversations} live conversations (an agent socket each), 2 turns each, paced at 80% of the sustained rate; RSS taken with all of them still live and connected.`, '');
  }
  return parts.join('\n');
}

/** p99 turn→prompt and turn→alert at the target N, for another store or the code before tuning. */
function p99At(result: LiveResult | undefined, model: string): string {
  const at = result?.runs.find((r) => r.model === model)?.steps.find((s) => s.conversations === TARGET_N);
  return at ? `turn→prompt ${fmt(at.prompt.p99)} ms, turn→alert ${fmt(at.alert.p99)} ms: **${Math.max(at.prompt.p99, at.alert.p99) < TARGET_P99_MS ? 'met' : 'not met'}**` : 'not measured';
}

/** Per N, before and after tuning, for the DistilBERT-sized model. */
function beforeAfter(before: LiveResult, after: LiveResult | undefined): string {
  const b = before.runs.find((r) => r.model === BENCH_MODEL);
  const a = after?.runs.find((r) => r.model === BENCH_MODEL);
  if (!b || !a) return '';
  const rows = b.steps.map((bs) => {
    const as = a.steps.find((s) => s.conversations === bs.conversations);
    const pair = (f: (s: StepRow) => number, digits = 0) => `${fmt(f(bs), digits)} → ${as ? fmt(f(as), digits) : '–'}`;
    return [String(bs.conversations), pair((s) => s.turnsPerSecond, 1), pair((s) => s.prompt.p99), pair((s) => s.alert.p99), pair((s) => s.server.loopP99Ms, 1), pair((s) => Object.values(s.rejected).reduce((x, y) => x + y, 0) + s.unscored)];
  });
  return markdownTable(['N', 'turns/s', 'turn→prompt p99 ms', 'turn→alert p99 ms', 'event-loop delay p99 ms', 'refused + late'], rows);
}

function verdict(live: LiveResult | undefined): string[] {
  const run = live?.runs.find((r) => r.model === BENCH_MODEL);
  if (!live || !run) return ['No live run of the DistilBERT-sized model yet: `npm run bench`.'];
  const at = run.steps.find((s) => s.conversations === TARGET_N);
  const lines: string[] = [];
  if (!at) lines.push(`- p99 at ${TARGET_N} conversations: **not measured** (the ramp stopped earlier, saturated).`);
  else {
    const worst = Math.max(at.prompt.p99, at.alert.p99);
    lines.push(
      `- p99 at ${TARGET_N} conversations (${run.model}, ${run.dtype}): turn→prompt **${fmt(at.prompt.p99)} ms**, turn→alert **${fmt(at.alert.p99)} ms** (turn→scored turn ${fmt(at.scored.p99)} ms). Target < ${TARGET_P99_MS} ms: **${worst < TARGET_P99_MS ? 'met' : 'not met'}**.`,
    );
  }
  if (run.sustainedRatio !== undefined) {
    const saturated = run.steps.some((s) => s.saturated);
    lines.push(
      `- Sustained throughput: **${fmt(run.sustainedRatio * 100)}%** of the raw limit (${fmt(Math.max(...run.steps.map((s) => s.turnsPerSecond)), 1)} of ${fmt(run.rawLimit, 1)} turns/s)${saturated ? '' : ', a lower bound: no step saturated the model'}. Target ≥ ${TARGET_RATIO * 100}%: **${run.sustainedRatio >= TARGET_RATIO ? 'met' : saturated ? 'not met' : 'not shown'}**.`,
    );
  }
  const redis = readResult<LiveResult>('live-redis');
  if (redis) {
    const ratio = redis.runs.find((r) => r.model === BENCH_MODEL)?.steps.find((s) => s.conversations === TARGET_N)?.ratio;
    const share = ratio === undefined ? '' : `; throughput ${fmt(ratio * 100)}% of the raw model limit at that load`;
    const shared = Math.max(redis.machine.loadBefore, redis.machine.loadAfter ?? 0) > BUSY_LOAD_PER_CORE * redis.machine.cores ? ' on a shared, busy machine' : '';
    lines.push(`- Same p99 with the Redis store (${redis.date.slice(0, 10)}${shared}): ${p99At(redis, BENCH_MODEL)}${share}.`);
  }
  for (const r of live.runs) if (r.memory) lines.push(`- RSS of the server at ${r.memory.conversations} live conversations, ${r.model}: **${r.memory.server.peakRssMiB} MiB** peak.`);
  return lines;
}

export function writeReport(): string {
  const model = readResult<ModelResult>('model');
  const live = readResult<LiveResult>('live');
  const redis = readResult<LiveResult>('live-redis');
  const before = readResult<LiveResult>('before');

  const series: Series[] = [];
  let color = 0;
  for (const [label, result, dashed] of [['', live, false], [' (before tuning)', before, true]] as const) {
    for (const run of result?.runs ?? []) {
      const c = COLORS[color++ % COLORS.length]!;
      series.push({ name: `${run.model}${label}`, color: c, dashed, points: run.steps.map((s) => ({ n: s.conversations, ms: s.prompt.p99 })) });
    }
  }
  if (series.length > 0) writeFileSync(PLOT, plotSvg(series));

  const doc: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/report.ts from bench/results/*.json; `npm run bench` regenerates it. Edits here are overwritten. -->',
    '',
    `Target, on a 2-core machine: p99 from a customer turn accepted to the prompt on the agent's socket and the alert on the supervisor's under ${TARGET_P99_MS} ms with ${TARGET_N} live conversations each sending a turn every 3 s, using a DistilBERT-sized model, and a sustained throughput of at least ${TARGET_RATIO * 100}% of what the raw model does on the same machine.`,
    '',
    '## Result',
    '',
    ...verdict(live),
    '',
    '## Commands',
    '',
    '```sh',
    'npm install',
    'npm run bench:make-model   # models/bench-distilbert (also built on demand by the bench scripts; needs torch: /usr/bin/python3)',
    'npm run bench:model        # raw onnxruntime limit per model, weight type and batch size',
    'npm run bench:live         # Rapport under N live conversations (add -- --redis for the Redis store)',
    'npm run bench              # both, in that order',
    '```',
    '',
    'Both wait (up to 5 minutes) for the 1-minute load average to fall below 1.5 before measuring, and warn if it does not. `bench:live` flags: `--steps 50,100,200,400,800 --step-s 30 --interval-ms 3000 --memory 1000 --per-client 100 --models …`; Rapport flags go after `--`, e.g. `npm run bench:live -- -- --threads 1 --batch-max 8`.',
    '',
    '## Method',
    '',
    `- **Models.** \`rapport-sentiment\` is the shipped model. \`${BENCH_MODEL}\` is generated by \`bench/make_model.py\` (Rapport's own encoder from \`models/train/model.py\`, random weights) in the shape of distilbert-base: 6 layers, 768 wide, 12 heads, 3,072 feed-forward, 512 positions, a 30,522-entry vocabulary (the shipped WordPiece vocabulary padded with unused tokens), 66.4M parameters. It is written as fp32 (\`onnx/model.onnx\`) and int8 (\`onnx/model_quantized.onnx\`: int8 symmetric per-tensor weights for the 24 encoder MatMuls, uint8 activations quantized at run time, as onnxruntime's \`quantize_dynamic\` does; the embeddings stay fp32). Rapport loads the int8 file when it exists, so the live figures are int8. Its scores are meaningless; only its cost matters.`,
    '- **Texts.** Real dialogue turns from MELD (`../shared/data/dialogue-en/meld.train.tsv`), in dialogue order. Both benchmarks score the same turns.',
    '- **Raw limit (`bench:model`).** The turns, tokenized by transformers.js (outside the timed call), padded to the longest turn of each batch, scored by an `onnxruntime-node` InferenceSession with the server\'s session options, one call after another for a few seconds per batch size. The raw limit is the best turns/s over the batch sizes (the server itself splits a micro-batch into calls of similar lengths, so it pads less than the larger batches here).',
    '- **Live (`bench:live`).** Rapport runs in its own process (`bench/live-server.ts`: the same `createRapport` as `server/main.ts`, in-memory store or `--redis` against a redis-server it starts on loopback). It runs the sentiment model only (`--emotion-model none`), so the server does exactly the model work the raw limit measures; `npm run bench:live -- -- --emotion-model rapport-emotion` adds the emotion model on customer turns. Load comes from separate processes (`bench/live-client.ts`, one per 100 conversations), all on loopback. Each opens an `/ingest` socket that sends turns, one `/agent` socket per conversation, and a `/supervisor` socket. Every conversation sends a turn every 3 s (customer and agent alternately), starting at a random offset within the first 3 s; every other customer turn carries a contact-center escalation sentence ("I want a refund.", "Let me talk to your manager.", …) so rules open alerts and the playbook sends prompts with either model. N ramps up; each step uses fresh conversations and runs for the stated seconds, then waits up to 10 s for outstanding events; the ramp stops after the first saturated step (refusals, turns not scored in time, throughput under 90% of offered, or p99 over 5 s). A last step holds 1,000 live conversations for memory.',
    '- **One clock.** Every latency is measured inside one load process: (time its agent socket receives the scored turn / the prompt with that turnId, or its supervisor socket the alert whose latest evidence is that turn) − (time the same process sent the turn), both `performance.now()` of that process. It includes socket.io both ways, queueing, micro-batching, the model and the rules. The server\'s own accept time is never used.',
    '- **Server figures** come from inside the server process: event-loop delay (`monitorEventLoopDelay`, 5 ms resolution), CPU time of the whole process (event loop and onnxruntime threads; 100% = one core), RSS (peak sampled every 250 ms), mean model batch (the server\'s own `rapport_scoring_batch_size` metric).',
    '- **Caveat.** Load processes share the same 2 cores with the server, as they would not in production; their CPU is not in the server\'s figure but is taken from it.',
    '',
    '## Latency against load',
    '',
    '![p99 turn→prompt against live conversations](benchmarks-latency.svg)',
    '',
  ];

  if (model) {
    doc.push('## Raw model limit (`npm run bench:model`)', '', `Run ${model.date} · ${model.seconds} s per batch size`, '', machineLine(model.machine), '');
    for (const run of model.runs) {
      doc.push(`**${run.model}** (${run.dtype}, onnxruntime threads: ${run.threads}): raw limit **${fmt(run.limit, 1)} turns/s**`, '');
      doc.push(
        markdownTable(
          ['batch', 'turns/s', 'ms per call p50', 'p99', 'ms per turn', 'padded tokens', 'tokenize ms'],
          run.points.map((p) => [String(p.batch), fmt(p.turnsPerSecond, 1), fmt(p.p50Ms, 1), fmt(p.p99Ms, 1), fmt(1000 / p.turnsPerSecond, 2), fmt(p.paddedTokens, 1), fmt(p.tokenizeMs, 2)]),
        ),
        '',
      );
    }
  }
  doc.push('## Live (`npm run bench:live`)', '', 'Latencies in ms, measured as above. "refused / late": turns refused with a clear `saturated` error / accepted but not scored within the drain time.', '');
  if (live) doc.push(liveSection('In-memory store', live));
  if (redis) doc.push(liveSection('Redis store', redis));
  else doc.push('### Redis store', '', 'Not run yet: `npm run bench:live -- --redis`.', '');
  if (before) {
    doc.push(
      '## Before tuning',
      '',
      'The same benchmark against the code before tuning. Two changes since, both in `server/scoring/`: (1) onnxruntime ran each batch on the event loop (onnxruntime-node\'s `session.run` is synchronous on its calling thread), so sockets and HTTP stalled for every batch; the model now runs on its own worker thread (`inference-worker.mjs`). (2) A micro-batch was one call padded to its longest turn, so about half of a batch\'s model time went to padding; it now runs as a few calls of similar lengths.',
      '',
      beforeAfter(before, live),
      '',
      liveSection('Before: inference on the event loop, one padded call per batch', before),
    );
  }
  const experiments = EXPERIMENTS.map((e) => ({ ...e, result: readResult<LiveResult>(e.label) })).filter((e) => e.result);
  if (experiments.length > 0) {
    doc.push('## Tuning experiments', '', 'Single steps of `bench:live` with one setting changed, run with `--label NAME` (which leaves this page\'s main tables alone).', '');
    for (const e of experiments) doc.push(liveSection(`${e.label}: ${e.what}`, e.result!));
  }
  writeFileSync(DOC, doc.join('\n'));
  return path.relative(process.cwd(), DOC);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) console.log(`wrote ${writeReport()}`);
