import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../server/config.ts';
import { TEST_SECRET } from '../support/server.ts';

/** Real Rapport processes for the scale-out and crash tests, each on its own port, on one Redis or in memory. */

const EMOTION = existsSync(path.join(ROOT, 'models', 'rapport-emotion', 'onnx', 'model.onnx')) ? 'rapport-emotion' : 'none';

export class RapportProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly name: string,
    readonly port: number,
    /** Without one, the process keeps everything in memory. */
    private readonly redisUrl?: string,
    private readonly extraArgs: string[] = [],
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Its worker id in Redis starts with `<hostname>:<pid>:`. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines it logged, for a failure message. */
  get log(): string {
    return this.output.slice(-3000);
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const args = ['--import', 'tsx', 'server/main.ts', ...(this.redisUrl ? ['--redis', this.redisUrl] : []), '--port', String(this.port), '--secret', TEST_SECRET, ...this.extraArgs];
    // One inference thread each: three processes share two cores.
    args.push('--emotion-model', EMOTION, '--threads', '1', '--log-level', 'warn');
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAPPORT_LOG_LEVEL: 'warn', ...this.env } });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited while starting:\n${this.log}`);
      const healthy = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy within ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill(): Promise<void> {
    return this.halt('SIGKILL');
  }

  stop(): Promise<void> {
    return this.halt('SIGTERM');
  }

  /** Sends a signal and resolves with how long the process took to exit; rejects if it outlives `withinMs`. */
  async signal(signal: NodeJS.Signals, withinMs: number): Promise<number> {
    const child = this.child;
    if (!child || !this.alive) return 0;
    const sent = Date.now();
    const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now() - sent)));
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} still running ${withinMs} ms after ${signal}:\n${this.log}`)), withinMs);
    });
    try {
      return await Promise.race([exited, late]);
    } finally {
      clearTimeout(timer);
      if (this.alive) child.kill('SIGKILL');
    }
  }

  private async halt(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
