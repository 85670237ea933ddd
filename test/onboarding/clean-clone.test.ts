import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../../server/config.ts';

/**
 * README's first ten minutes, from a clean clone of the current commit in a temporary folder: the
 * install, the demo, its first sign-in link, the examples of "Sending turns" and "Command line"
 * against it, and a stop; any warning line fails it. The npm cache of the machine is reused
 * (prefer-offline), so on CI the install costs what the first `npm ci` already downloaded.
 */

const exec = promisify(execFile);

/** The environment of a new user's shell: nothing of this test run's npm, Rapport or Redis settings. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|RAPPORT_|REDIS_URL$|INIT_CWD$|NODE_OPTIONS$|VITEST)/iu.test(k)));
  // Reuse the machine's npm cache and skip what needs the internet; none of these prints or hides a warning.
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/gu;

/** Lines a new user would read as a warning: npm's, node's, Vite's and Rollup's, and log records at warn level or above. */
function warningLines(output: string): string[] {
  return output
    .replace(JWT, '<token>')
    .split('\n')
    .filter((line) => {
      // npm's "npm warn", node's "(node:1) XWarning:", "WARN" and "warning:" prefixes, Vite's notes,
      // Rollup's "(!)" and Rolldown's "[CODE]" (after its colour code).
      if (/^npm warn|Warning:|\bWARN\b|^\s*\[?warn(ing)?\]?[\s:]|MaxListeners|deprecat|no Svelte config found|^\s*\(!\)/iu.test(line)) return true;
      if (/^\s*(\x1b\[[\d;]*m)*\[[A-Z][A-Z_]+\] /u.test(line)) return true;
      if (!line.startsWith('{')) return false;
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 40;
      } catch {
        return false;
      }
    });
}

/** The first ```sh block after a README heading. */
function shellBlock(readme: string, heading: string): string {
  const at = readme.indexOf(`\n## ${heading}\n`);
  const block = /```sh\n([\s\S]*?)```/u.exec(readme.slice(at));
  if (at === -1 || !block) throw new Error(`README has no sh block under "## ${heading}"`);
  return block[1]!;
}

/** Runs a README command line in the clone with bash, against the demo at `url`. */
async function sh(clone: string, command: string, url: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return exec('bash', ['-c', command.replaceAll('http://127.0.0.1:3000', url)], { cwd: clone, env: userEnv(env), maxBuffer: 2 ** 24 });
}

describe("README's first ten minutes, from a clean clone", () => {
  let dir: string;
  let clone: string;
  let readme: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rapport-onboarding-'));
    clone = path.join(dir, 'rapport');
    const { stdout: head } = await exec('git', ['rev-parse', 'HEAD'], { cwd: ROOT });
    await exec('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
    await exec('git', ['checkout', '--quiet', head.trim()], { cwd: clone });
    readme = await readFile(path.join(clone, 'README.md'), 'utf8');
  });

  afterAll(async () => {
    // After a failure midway: whatever of the demo still runs (npm may be gone, the server not).
    try {
      if (server?.pid) process.kill(-server.pid, 'SIGKILL');
    } catch {
      // Nothing left in that process group.
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('npm ci installs without a warning', { timeout: 240_000 }, async () => {
    expect(shellBlock(readme, 'Test')).toContain('npm ci');
    const { stdout, stderr } = await exec('npm', ['ci'], { cwd: clone, env: userEnv(), maxBuffer: 2 ** 24 });
    expect(warningLines(stdout + stderr)).toEqual([]);
  });

  it('npm start serves the demo, whose links, token and README examples work, and stops on Ctrl-C, all without a warning', { timeout: 240_000 }, async () => {
    expect(shellBlock(readme, 'Start')).toContain('npm start');
    // Any free port, so the test runs beside anything on :3000.
    const child = spawn('npm', ['start'], { cwd: clone, env: userEnv({ RAPPORT_PORT: '0' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close': npm and the server under it have exited and their output is all read.
    const closed = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('close', (code, signal) => resolve(signal ?? code)));

    const deadline = Date.now() + 180_000;
    while (!/curl -X POST/u.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no sign-in links within 180 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const firstLink = /(http:\/\/127\.0\.0\.1:\d+)\/agent\?token=(\S+)/u.exec(output)!;
    const [, url, aliceToken] = firstLink;
    const ingestToken = /export INGEST_TOKEN=(\S+)/u.exec(output)![1]!;

    const page = await fetch(firstLink[0]);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');

    // The curl command the demo printed, as printed, and README's, as written: one turn into Alice's c-42.
    const printed = output.split('\n').filter((line) => /^\s+(export INGEST_TOKEN=|curl )/u.test(line)).join('\n');
    const sentAsPrinted = await sh(clone, printed, url!, {});
    expect(JSON.parse(sentAsPrinted.stdout)).toMatchObject({ ok: true, conversationId: 'c-42' });
    const sentAsWritten = await sh(clone, shellBlock(readme, 'Sending turns'), url!, { INGEST_TOKEN: ingestToken });
    expect(JSON.parse(sentAsWritten.stdout)).toMatchObject({ ok: true, conversationId: 'c-42', duplicate: true });
    // 202 means queued: the conversation can be read once its turn is scored, which behind the
    // demo's own rounds on a busy machine can take a few seconds.
    const c42 = await vi.waitFor(
      async () => {
        const response = await fetch(`${url}/api/conversations/c-42`, { headers: { authorization: `Bearer ${aliceToken}` } });
        expect(response.status).toBe(200);
        return response.json();
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(JSON.stringify(c42)).toContain('I want to cancel');

    // "Command line": score and replay against the demo with its token; token with a secret of one's own.
    const [score, replay, token] = shellBlock(readme, 'Command line').trim().split('\n');
    const secret = 'a-secret-of-one-s-own-at-least-32-characters';
    const [scored, replayed, issued] = await Promise.all([
      sh(clone, score!, url!, {}),
      sh(clone, replay!, url!, { INGEST_TOKEN: ingestToken }),
      sh(clone, token!, url!, { RAPPORT_SECRET: secret }),
    ]);
    expect(scored.stdout).toContain(`written to ${path.join(clone, 'scored')}`);
    expect(replayed.stdout).toContain('replayed 9 turns of 1 conversations');
    expect(issued.stdout.trim().split('\n').at(-1)).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/u);
    // What score wrote is ignored by git: the clone stays clean.
    expect((await exec('git', ['status', '--porcelain'], { cwd: clone })).stdout).toBe('');

    // Ctrl-C in a terminal: SIGINT to npm and everything under it. npm dies of it; the server shuts down.
    process.kill(-child.pid!, 'SIGINT');
    expect([0, 'SIGINT']).toContain(await closed);
    server = undefined;
    expect(output).toMatch(/"signal":"SIGINT","msg":"shutting down"/u);
    const commands = [sentAsPrinted, sentAsWritten, scored, replayed, issued].map((r) => r.stdout + r.stderr);
    expect(warningLines([output, ...commands].join('\n'))).toEqual([]);
  });
});
