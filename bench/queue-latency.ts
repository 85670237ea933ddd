/**
 * `npx tsx bench/queue-latency.ts [--conversations 200] [--interval-ms 3000] [--seconds 20] [--handler-ms 25]`:
 * what the Redis turn queue itself adds to a turn's latency, apart from the model and the machine's
 * load. A redis-server on loopback, one RedisStreamQueue, a handler that only waits `--handler-ms`
 * (standing in for a model batch, using no CPU), N conversations each enqueueing a turn every
 * interval. Prints enqueue → handler done: p50 / p95 / p99 / max.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Turn } from '../server/domain/turn.ts';
import { RedisStreamQueue } from '../server/queue/index.ts';
import { connectRedis } from '../server/redis/index.ts';
import { freePort } from '../test/support/redis.ts';
import { fmt, summarize } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '200' },
    'interval-ms': { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '20' },
    'handler-ms': { type: 'string', default: '25' },
  },
});
const conversations = Number(args.conversations);
const intervalMs = Number(args['interval-ms']);
const seconds = Number(args.seconds);
const handlerMs = Number(args['handler-ms']);

const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await sleep(300);
const url = `redis://127.0.0.1:${port}`;
const queue = new RedisStreamQueue(await connectRedis(url, 'bench'), await connectRedis(url, 'bench-reader'), pino({ level: 'silent' }));
const latencies: number[] = [];
await queue.start(async (_turn, acceptedAt) => {
  await sleep(handlerMs);
  latencies.push(Date.now() - acceptedAt);
});

const until = Date.now() + seconds * 1000;
const senders = Array.from({ length: conversations }, async (_, c) => {
  await sleep(Math.random() * intervalMs);
  for (let t = 0; Date.now() < until; t++) {
    const at = Date.now();
    const turn: Turn = { conversationId: `bench-${c}`, turnId: `bench-${c}-${t}`, speaker: 'customer', text: 'x', channel: 'chat', final: true, at };
    await queue.enqueue(turn, at);
    await sleep(Math.max(0, intervalMs - (Date.now() - at)));
  }
});
await Promise.all(senders);
await sleep(2 * handlerMs + 1000);
await queue.close();
redis.kill();
const s = summarize(latencies);
console.log(`${conversations} conversations, a turn every ${intervalMs} ms, ${seconds} s, handler ${handlerMs} ms: ${s.n} turns, enqueue → handled p50 / p95 / p99 / max ${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} / ${fmt(s.max)} ms`);
process.exit(0);
