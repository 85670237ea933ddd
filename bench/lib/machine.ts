import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../../server/config.ts';

export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  onnxruntime: string;
  /** 1-minute load average when the run started and when it ended. */
  loadBefore: number;
  loadAfter?: number;
}

export function describeMachine(): Machine {
  const require = createRequire(import.meta.url);
  const ort = require('onnxruntime-node/package.json') as { version: string };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    onnxruntime: ort.version,
    loadBefore: os.loadavg()[0]!,
  };
}

/**
 * Timings on a shared machine mean something only when it is otherwise idle: waits (bounded) until the
 * 1-minute load average falls below `maxLoad`, then goes on either way and says so.
 */
export async function waitForQuietMachine(maxLoad: number, maxWaitS: number): Promise<void> {
  const deadline = Date.now() + maxWaitS * 1000;
  let said = false;
  while (os.loadavg()[0]! >= maxLoad && Date.now() < deadline) {
    if (!said) console.log(`waiting up to ${maxWaitS} s for the 1-minute load average (${os.loadavg()[0]!.toFixed(2)}) to fall below ${maxLoad} …`);
    said = true;
    await sleep(5000);
  }
  const load = os.loadavg()[0]!;
  if (load >= maxLoad) console.log(`warning: load average is ${load.toFixed(2)}; other work on this machine skews the figures`);
}

export function writeResult(name: string, result: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

export function readResult<T>(name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS_DIR, `${name}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
