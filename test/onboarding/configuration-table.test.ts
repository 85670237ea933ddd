import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, OPTIONS, ROOT, type Config } from '../../server/config.ts';

/** The rows of README's Configuration table: flag, environment, default, description. */
function readmeRows(): { flag: string; env: string; fallback: string; what: string }[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('\n|')) + 1);
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .map((line) => {
      const [flag, env, fallback, what] = line.split(' | ').map((cell) => cell.replace(/^\| /u, '').replace(/ \|$/u, '').trim());
      return { flag: flag!.replaceAll('`', ''), env: env!.replaceAll('`', ''), fallback: fallback!.replaceAll('`', ''), what: what ?? '' };
    });
}

const options = Object.entries(OPTIONS).filter(([name]) => name !== 'help');

describe("README's configuration table", () => {
  const rows = readmeRows();

  it('lists every option the server takes, once each, in the order --help does, and nothing else', () => {
    expect(rows.map((r) => r.flag)).toEqual(options.map(([name]) => `--${name}`));
  });

  it("names each option's environment variable", () => {
    expect(rows.map((r) => [r.flag, r.env])).toEqual(options.map(([name, o]) => [`--${name}`, o.env]));
  });

  it('gives the default --help gives, and a description for every row', () => {
    for (const [name, o] of options) {
      const row = rows.find((r) => r.flag === `--${name}`)!;
      const fallback = /\(default:? ([^;)]+)/u.exec(o.help)?.[1]?.trim();
      expect(row.fallback, `--${name}`).toBe(fallback ?? row.fallback);
      expect(row.fallback, `--${name}`).not.toBe('');
      expect(row.what, `--${name}`).not.toBe('');
    }
  });

  it('gives the defaults the server really uses', () => {
    const config = loadConfig(['--secret', 'a-secret-that-is-long-enough-0123456789'], {});
    const used: Record<string, (c: Config) => unknown> = {
      host: (c) => c.host,
      port: (c) => c.port,
      model: (c) => c.model,
      'emotion-model': (c) => c.emotionModel,
      'models-dir': (c) => path.relative(ROOT, c.modelsDir),
      'retention-days': (c) => c.retentionDays,
      'stream-shards': (c) => c.streamShards,
      'batch-max': (c) => c.scoring.maxBatch,
      'batch-wait-ms': (c) => c.scoring.maxWaitMs,
      'max-pending': (c) => c.scoring.maxPending,
      'max-live': (c) => c.maxLive,
      'webhook-max-attempts': (c) => c.webhook.maxAttempts,
      'webhook-retry-ms': (c) => c.webhook.retryBaseMs,
      'log-level': (c) => c.logLevel,
    };
    for (const row of rows) {
      const read = used[row.flag.slice(2)];
      if (!read) continue;
      expect(String(read(config)), row.flag).toBe(row.fallback.replace(/^\.\//u, ''));
    }
    expect(config.threads).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });
});
