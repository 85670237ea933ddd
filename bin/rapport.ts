#!/usr/bin/env -S npx tsx
/**
 * The Rapport command line: `score` transcripts in batch, `replay` them into a running Rapport as live
 * turns, issue a `token`. Run with `npm run rapport -- <command> ...` or `npx tsx bin/rapport.ts`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../server/auth/tokens.ts';
import { toolEnvironment } from '../server/config.ts';
import { ingestToken, issueToken, RapportClient } from './client.ts';
import { replay } from './replay.ts';
import { scoreFiles, summaryTable } from './score.ts';
import { readTranscripts, TRANSCRIPT_HELP, TRANSCRIPT_OPTIONS } from './transcripts.ts';

const HELP = `rapport <command>

  score <files...>     score transcripts; write <id>.scored.json and .scored.csv per conversation and summary.csv
    --out DIR          where results go (default ./scored, which git ignores); valence in the CSV is -1..1 as on the screens
    --load URL         also send the conversations to the Rapport at URL, into its QA archive (needs --token or --secret)
    --model, --emotion-model, --models-dir, --rules, --playbook, --threads   as for the server
${TRANSCRIPT_HELP}

  replay <file>        stream a transcript into a running Rapport as live turns
    --speed N          N times real time, from the file's own times (default 1)
    --url URL          the Rapport (default http://127.0.0.1:3000)
    --id-suffix S      appended to conversation ids (default -r<time>, so a file can be replayed again)
    --keep-ids         no suffix
    --copies K         K copies of each conversation at once, for load tests (default 1)
${TRANSCRIPT_HELP}

  token --role R --sub ID [--name N] [--ttl 12h]   print a signed token (R: ${ROLES.join(', ')})

  Signing in (score --load, replay, token): --token T, or --secret S / RAPPORT_SECRET (the server's secret).
`;

const SERVER_OPTIONS = ['model', 'emotion-model', 'models-dir', 'rules', 'playbook', 'threads'] as const;

/** Flags of one command (plus --token, --secret, --help), with typed reads. */
function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  const { values, positionals } = parseArgs({
    args,
    options: { ...options, token: { type: 'string' }, secret: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const on = (name: string) => flags[name] === true;
  return {
    positionals,
    text,
    on,
    transcript: { format: text('format'), 'csv-map': text('csv-map'), 'swap-roles': on('swap-roles') },
    token: () => ingestToken(text('token'), text('secret') ?? toolEnvironment.secret()),
  };
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} must be a positive number, not "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;

  if (command === 'score') {
    const serverOptions = Object.fromEntries(SERVER_OPTIONS.map((n) => [n, { type: 'string' as const }]));
    const f = parse(rest, { ...TRANSCRIPT_OPTIONS, ...serverOptions, out: { type: 'string' }, load: { type: 'string' } });
    if (f.on('help') || f.positionals.length === 0) return void console.log(HELP);
    const serverArgs = SERVER_OPTIONS.flatMap((n) => (f.text(n) === undefined ? [] : [`--${n}`, f.text(n)!]));
    const loadUrl = f.text('load');
    const load = loadUrl === undefined ? undefined : new RapportClient(loadUrl, await f.token());
    const outDir = path.resolve(f.text('out') ?? 'scored');
    const results = await scoreFiles({ files: f.positionals, flags: f.transcript, outDir, serverArgs, load, progress: true });
    console.log(summaryTable(results));
    console.log(`\nwritten to ${outDir}: <id>.scored.json and <id>.scored.csv per conversation, and summary.csv`);
    const rejected = results.reduce((n, r) => n + r.rejected.length, 0);
    if (rejected > 0) console.error(`${rejected} turns were refused; see "rejected" in the .scored.json files`);
    return;
  }

  if (command === 'replay') {
    const f = parse(rest, {
      ...TRANSCRIPT_OPTIONS,
      speed: { type: 'string' },
      url: { type: 'string' },
      'id-suffix': { type: 'string' },
      'keep-ids': { type: 'boolean' },
      copies: { type: 'string' },
    });
    if (f.on('help') || f.positionals.length !== 1) return void console.log(HELP);
    const conversations = await readTranscripts(f.positionals, f.transcript, 0);
    const client = new RapportClient(f.text('url') ?? 'http://127.0.0.1:3000', await f.token());
    const idSuffix = f.on('keep-ids') ? '' : (f.text('id-suffix') ?? `-r${Date.now().toString(36)}`);
    const copies = Math.round(positiveNumber('copies', f.text('copies'), 1));
    const done = await replay(conversations, client, { speed: positiveNumber('speed', f.text('speed'), 1), idSuffix, copies, progress: true });
    console.log(`replayed ${done.turns} turns of ${done.conversations} conversations (ids end in "${idSuffix}")`);
    return;
  }

  if (command === 'token') {
    const f = parse(rest, { role: { type: 'string' }, sub: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string' } });
    const role = f.text('role') as Role | undefined;
    const sub = f.text('sub');
    if (f.on('help') || !role || !ROLES.includes(role) || sub === undefined) return void console.log(HELP);
    const secret = f.text('secret') ?? toolEnvironment.secret();
    if (!secret) throw new Error('give --secret or set RAPPORT_SECRET: the server signs with the same secret');
    console.log(await issueToken(secret, role, sub, f.text('name'), f.text('ttl')));
    return;
  }
  console.log(HELP);
  if (command !== undefined && command !== 'help' && command !== '--help') process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`rapport: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
