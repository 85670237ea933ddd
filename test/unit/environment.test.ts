import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../server/config.ts';

/** Source files under a folder of the project, relative to the project. */
function sources(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs|js)$/u.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(folder, f));
}

describe('the environment', () => {
  it('is read only by server/config.ts, in the server, the CLI, the benchmarks and the evaluation', () => {
    const readers = ['server', 'bin', 'bench', path.join('models', 'eval')]
      .flatMap(sources)
      .filter((file) => readFileSync(path.join(ROOT, file), 'utf8').includes('process.env'));
    expect(readers).toEqual([path.join('server', 'config.ts')]);
  });
});
