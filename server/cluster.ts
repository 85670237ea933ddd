import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig, ROOT } from './config.ts';

/**
 * Runs N Rapport processes on one Redis: `npm run start:cluster -- --workers 3 --redis redis://host:6379`.
 *
 * Each process listens on its own port (--port, default 3000, then 3001, …) so that a load balancer
 * can pin a browser to one process (socket.io needs that for its HTTP long-polling fallback; see
 * docs/SCALING.md). Every other flag goes to every process unchanged. A process that dies is started
 * again after a second; the others take over its turn shards meanwhile. This runner is for one
 * machine; on several, run `npm run serve -- --redis …` under any process manager instead.
 */

const USAGE = 'usage: npm run start:cluster -- --workers N --redis redis://host:6379 [--port FIRST_PORT] [other rapport flags]';
const RESTART_DELAY_MS = 1000;

function take(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const [, value] = args.splice(i, 2);
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  return value;
}

function main(): void {
  const args = process.argv.slice(2);
  const workers = Number(take(args, '--workers') ?? 2);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a whole number of at least 1\n${USAGE}`);
  // The processes' own configuration, checked once here (flags, then RAPPORT_PORT, REDIS_URL ...).
  const config = loadConfig(args);
  const firstPort = config.port;
  take(args, '--port');
  if (firstPort < 1) throw new Error(`--port must be a port number\n${USAGE}`);
  if (!config.redisUrl) {
    throw new Error(`several processes share state only through Redis: pass --redis or set REDIS_URL\n${USAGE}`);
  }

  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const launch = (i: number) => {
    const port = firstPort + i;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'main.ts'), ...args, '--port', String(port)], { stdio: 'inherit' });
    children.set(i, child);
    child.once('exit', (code, signal) => {
      children.delete(i);
      if (stopping) {
        if (children.size === 0) process.exit(0);
        return;
      }
      console.error(`rapport worker ${i} (port ${port}) exited (${signal ?? code}); starting it again`);
      setTimeout(() => launch(i), RESTART_DELAY_MS);
    });
  };
  for (let i = 0; i < workers; i++) launch(i);
  console.error(`rapport cluster: ${workers} processes on ports ${firstPort}-${firstPort + workers - 1}`);

  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children.values()) child.kill(signal);
    if (children.size === 0) process.exit(0);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
