import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import type { RedisClient } from '../../server/redis/index.ts';

/** A real redis-server for tests: its own free port, AOF in a temporary folder, gone after stop(). */
export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL, as in a crash; the AOF stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder, replaying the AOF. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
    } finally {
      if (client.isOpen) client.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `appendfsync always` makes every acknowledged write survive even a SIGKILL of redis-server, which
 * the restart tests do; production advice is in docs/SCALING.md.
 */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rapport-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      started.once('spawn', resolve);
      started.once('error', (e) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${e.message}`)));
    });
    child = started;
    await waitForPing(url);
  };
  const halt = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill(signal);
    await exited;
  };

  await launch();
  return {
    url,
    port,
    dir,
    kill: () => halt('SIGKILL'),
    restart: launch,
    async stop() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A client for a test to look at Redis with: unlike Rapport's connections, its commands wait for a
 * reconnect, so a test can poll across a restart of redis-server.
 */
export async function connectAdmin(url: string): Promise<RedisClient> {
  const client: RedisClient = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}
