import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../server/config.ts';
import { MODEL_ARGS, TEST_SECRET } from '../support/server.ts';

const SERVER = ['--import', 'tsx', 'server/main.ts'];

/** The server run with args and no Rapport variables; resolves with its exit status and stderr. */
async function failedStart(args: string[]): Promise<{ code: number; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAPPORT_')));
  try {
    await promisify(execFile)(process.execPath, [...SERVER, ...args], { cwd: ROOT, env });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`the server started with ${args.join(' ')}`);
}

/**
 * The server under a pseudo-terminal (util-linux's `script`), as in a user's shell, until it listens;
 * what it printed, colours stripped.
 */
function onTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, ...SERVER, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const stop = (signal: NodeJS.Signals) => process.kill(-child.pid!, signal);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => (stop('SIGKILL'), reject(new Error(`not listening within 60 s:\n${output}`))), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString().replace(/\x1b\[[\d;?]*[a-zA-Z]/gu, '');
      if (/rapport is listening[^\n]*\n/u.test(output)) {
        clearTimeout(timer);
        stop('SIGTERM');
        resolve(output);
      }
    });
    child.once('exit', () => reject(new Error(`exited before listening:\n${output}`)));
  });
}

describe('start-up', () => {
  it.each([
    ['an unknown flag', ['--bogus'], /^rapport: Unknown option '--bogus'; `npm run serve -- --help` lists every option\n$/u],
    ['a bad value', ['--secret', TEST_SECRET, '--port', 'eighty'], /^rapport: --port must be a whole number of at least 0, not "eighty"\n$/u],
    ['no secret', [], /^rapport: set RAPPORT_SECRET \(32\+ characters\) or --secret; only --demo makes one up\n$/u],
    ['a missing model', ['--secret', TEST_SECRET, '--model', 'no-such-model'], /^rapport: model "no-such-model" is neither a folder nor in .+, and downloads are off: point --model at .+, or pass --allow-download for a hub id\n$/u],
    ['a rules file that is not there', ['--secret', TEST_SECRET, '--rules', 'no-such-rules.yaml'], /^rapport: --rules no-such-rules\.yaml cannot be read \(there is no such file\): give it a YAML file like config\/rules\.yaml, or leave it out for that one\n$/u],
  ])('refuses %s with one sentence saying what to do, and exit status 1', async (_, args, message) => {
    const { code, stderr } = await failedStart(args);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('refuses a port in use with one sentence saying what to do', { timeout: 60_000 }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stderr } = await failedStart(['--secret', TEST_SECRET, '--port', String(port), ...MODEL_ARGS]);
      expect(code).toBe(1);
      expect(stderr).toBe(`rapport: 127.0.0.1:${port} is already in use: stop what listens there, or pass --port (0 picks a free one)\n`);
    } finally {
      taken.close();
    }
  });

  it('logs readable lines on a terminal, and JSON lines there too with --log-json', { timeout: 120_000 }, async () => {
    const args = ['--secret', TEST_SECRET, '--port', '0', ...MODEL_ARGS];
    expect(await onTerminal(args)).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: rapport is listening \{"url":"http:\/\/127\.0\.0\.1:\d+"/mu);
    const json = (await onTerminal([...args, '--log-json'])).split(/\r?\n/u).find((line) => line.includes('rapport is listening'))!;
    expect(JSON.parse(json)).toMatchObject({ level: 30, msg: 'rapport is listening' });
  });
});
