import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadAnalyticsConfig, type AnalyticsConfig } from './analytics/config.ts';
import { errorsText, fieldErrors } from './api/refusal.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from './auth/limits.ts';
import { DEFAULT_MAX_LIFETIME_S, ROLES, type Role } from './auth/tokens.ts';
import { PlaybookSchema, type Playbook } from './guidance/index.ts';
import { QualityConfigSchema, type QualityConfig } from './quality/index.ts';
import { RulesConfigSchema, type RulesConfig } from './rules/index.ts';
import { DEFAULT_RETENTION_DAYS } from './store/store.ts';

/** The project root, for defaults that point into it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  host: string;
  port: number;
  /** A folder path, a folder name inside modelsDir, or a hub id. */
  model: string;
  emotionModel?: string;
  modelsDir: string;
  allowDownload: boolean;
  threads?: number;
  secret: string;
  /** The longest a token of each role may live, seconds. */
  tokenMaxLifetimeS: Record<Role, number>;
  rateLimits: RateLimitConfig;
  redisUrl?: string;
  /** Days an ended conversation is kept for QA (in either store). */
  retentionDays: number;
  /** Turn streams in Redis; every process of one deployment must use the same number. */
  streamShards: number;
  rules: RulesConfig;
  playbook: Playbook;
  quality: QualityConfig;
  /** Predicted satisfaction and contact reasons (config/analytics.yaml). */
  analytics: AnalyticsConfig;
  scoring: { maxBatch: number; maxWaitMs: number; maxPending: number };
  /** Admission control: beyond this many live conversations, a turn that would open another is refused. */
  maxLive: number;
  /** Where alert and conversation-ended events are POSTed; none when url is unset. */
  webhook: { url?: string; secret: string; maxAttempts: number; retryBaseMs: number };
  /** A folder that receives a post-contact summary file per ended conversation. */
  summaryDir?: string;
  demo: boolean;
  logLevel: string;
  /** JSON log lines even on a terminal. */
  logJson: boolean;
}

/**
 * Live conversations one deployment takes (every process together, in Redis mode): well above the
 * concurrent calls and chats of a large contact center, and a bound on what one ingest token can make
 * the process hold.
 */
const DEFAULT_MAX_LIVE = 20_000;

export const OPTIONS = {
  host: { type: 'string', env: 'RAPPORT_HOST', help: 'address to listen on (default 127.0.0.1)' },
  port: { type: 'string', env: 'RAPPORT_PORT', help: 'port (default 3000; 0 = any free port)' },
  model: { type: 'string', env: 'RAPPORT_MODEL', help: 'sentiment model: folder, name in models/, or hub id (default rapport-sentiment)' },
  'emotion-model': { type: 'string', env: 'RAPPORT_EMOTION_MODEL', help: 'emotion model, or "none" (default rapport-emotion)' },
  'models-dir': { type: 'string', env: 'RAPPORT_MODELS_DIR', help: 'where models live and downloads go (default ./models)' },
  'allow-download': { type: 'boolean', env: 'RAPPORT_ALLOW_DOWNLOAD', help: 'download hub models on first start' },
  threads: { type: 'string', env: 'RAPPORT_THREADS', help: 'onnxruntime threads (default: all cores)' },
  secret: { type: 'string', env: 'RAPPORT_SECRET', help: 'HS256 token secret, 32+ characters (required unless --demo)' },
  'token-max-hours': { type: 'string', env: 'RAPPORT_TOKEN_MAX_HOURS', help: 'longest token lifetime per role, e.g. agent=12,ingest=720 (defaults: people 12, ingest 720, metrics 8760)' },
  'rate-per-token': { type: 'string', env: 'RAPPORT_RATE_PER_TOKEN', help: `requests and socket events per token per 10 s; 0 = off (default ${DEFAULT_RATE_LIMITS.perToken})` },
  'rate-per-address': { type: 'string', env: 'RAPPORT_RATE_PER_ADDRESS', help: `requests and socket events per client address per 10 s; 0 = off (default ${DEFAULT_RATE_LIMITS.perAddress})` },
  'failed-sign-ins': { type: 'string', env: 'RAPPORT_FAILED_SIGN_INS', help: `failed sign-ins per address per 10 min before it gets 429s (default ${DEFAULT_RATE_LIMITS.failedSignIns})` },
  redis: { type: 'string', env: 'REDIS_URL', help: 'Redis URL for the production store and scale-out' },
  'retention-days': { type: 'string', env: 'RAPPORT_RETENTION_DAYS', help: `days ended conversations are kept for QA (default ${DEFAULT_RETENTION_DAYS})` },
  'stream-shards': { type: 'string', env: 'RAPPORT_STREAM_SHARDS', help: 'Redis turn streams, the same for every process (default 16)' },
  rules: { type: 'string', env: 'RAPPORT_RULES', help: 'rules file (default config/rules.yaml)' },
  playbook: { type: 'string', env: 'RAPPORT_PLAYBOOK', help: 'playbook file (default config/playbook.yaml)' },
  quality: { type: 'string', env: 'RAPPORT_QUALITY', help: 'service-quality file (default config/quality.yaml)' },
  analytics: { type: 'string', env: 'RAPPORT_ANALYTICS', help: 'satisfaction and contact-reason file (default config/analytics.yaml)' },
  'batch-max': { type: 'string', env: 'RAPPORT_BATCH_MAX', help: 'largest model batch (default 16)' },
  'batch-wait-ms': { type: 'string', env: 'RAPPORT_BATCH_WAIT_MS', help: 'how long a batch waits to fill (default 4)' },
  'max-pending': { type: 'string', env: 'RAPPORT_MAX_PENDING', help: 'turns waiting before new ones are refused (default 5000)' },
  'max-live': { type: 'string', env: 'RAPPORT_MAX_LIVE', help: `live conversations before a turn that opens another is refused (default ${DEFAULT_MAX_LIVE})` },
  'webhook-url': { type: 'string', env: 'RAPPORT_WEBHOOK_URL', help: 'POST alert and conversation-ended events here' },
  'webhook-secret': { type: 'string', env: 'RAPPORT_WEBHOOK_SECRET', help: 'HMAC-SHA256 key of the Rapport-Signature header (required with --webhook-url)' },
  'webhook-max-attempts': { type: 'string', env: 'RAPPORT_WEBHOOK_MAX_ATTEMPTS', help: 'attempts before a delivery is dead-lettered (default 8)' },
  'webhook-retry-ms': { type: 'string', env: 'RAPPORT_WEBHOOK_RETRY_MS', help: 'first retry delay, doubling each time up to 10 min (default 1000)' },
  'summary-dir': { type: 'string', env: 'RAPPORT_SUMMARY_DIR', help: 'write a post-contact summary JSON per ended conversation here' },
  'log-level': { type: 'string', env: 'RAPPORT_LOG_LEVEL', help: 'pino level (default info)' },
  'log-json': { type: 'boolean', env: 'RAPPORT_LOG_JSON', help: 'JSON log lines on a terminal too (off a terminal they always are)' },
  demo: { type: 'boolean', env: 'RAPPORT_DEMO', help: 'replay demo conversations and print sign-in links' },
  help: { type: 'boolean', env: '', help: 'this text' },
} as const;

export function usage(): string {
  return Object.entries(OPTIONS)
    .map(([name, o]) => `  --${name.padEnd(16)} ${o.env ? `[${o.env}] ` : ''}${o.help}`)
    .join('\n');
}

/** One of the YAML files (--rules, --playbook, --quality), or the shipped one in config/. */
function loadYaml<T>(flag: 'rules' | 'playbook' | 'quality', given: string | undefined, schema: z.ZodType<T>): T {
  const shipped = path.join('config', `${flag}.yaml`);
  const file = given ?? path.join(ROOT, shipped);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message;
    throw new Error(`--${flag} ${file} cannot be read (${reason}): give it a YAML file like ${shipped}, or leave it out for that one`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`--${flag} ${file} is not a valid ${flag} file (${errorsText(fieldErrors(parsed.error, '(file)'))}): compare it with ${shipped}, which documents every field`);
  }
  return parsed.data;
}

/** "agent=12,ingest=720": hours per role over the defaults. */
function lifetimes(value: string | undefined): Record<Role, number> {
  const caps = { ...DEFAULT_MAX_LIFETIME_S };
  for (const part of (value ?? '').split(',').filter(Boolean)) {
    const [role, hours] = part.split('=').map((x) => x.trim());
    if (!ROLES.includes(role as Role) || !(Number(hours) > 0)) throw new Error(`--token-max-hours takes role=hours pairs for ${ROLES.join(', ')}, not "${part}"`);
    caps[role as Role] = Number(hours) * 3600;
  }
  return caps;
}

const int = (name: string, value: string | undefined, fallback: number, min = 0): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not "${value}"`);
  return n;
};

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, { type: o.type }])), strict: true });
  } catch (error) {
    // node's own message is "Unknown option '--x'. To specify a positional argument ...": keep its first sentence.
    throw new Error(`${(error as Error).message.split('. ')[0]}; \`npm run serve -- --help\` lists every option`);
  }
}

/**
 * The environment variables of the tools around the server (the CLI, evaluation), which are not
 * server options. This file is the only reader of the environment.
 */
export const toolEnvironment = {
  /** The server's token secret, for the CLI's signing in. */
  secret: (): string | undefined => process.env.RAPPORT_SECRET,
  /** The public data sets (default ../shared/data beside the project). */
  dataDir: (): string => process.env.RAPPORT_DATA_DIR ?? path.join(ROOT, '..', 'shared', 'data'),
};

/** Flags win over environment variables (this process's, unless given), which win over defaults. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config & { help: boolean } {
  const { values } = parseFlags(argv);
  const get = (name: keyof typeof OPTIONS): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const e = OPTIONS[name].env;
    return e ? env[e] : undefined;
  };
  const flag = (name: keyof typeof OPTIONS): boolean => values[name] === true || ['1', 'true', 'yes'].includes((get(name) ?? '').toLowerCase());

  const demo = flag('demo');
  const secret = get('secret') ?? (demo ? randomBytes(32).toString('hex') : undefined);
  if (!secret && !flag('help')) throw new Error('set RAPPORT_SECRET (32+ characters) or --secret; only --demo makes one up');
  const emotion = get('emotion-model') ?? 'rapport-emotion';
  const threads = get('threads');
  const webhookUrl = get('webhook-url');
  const webhookSecret = get('webhook-secret');
  if (webhookUrl && !webhookSecret) throw new Error('--webhook-url needs --webhook-secret (RAPPORT_WEBHOOK_SECRET) to sign deliveries');
  const summaryDir = get('summary-dir');

  return {
    host: get('host') ?? '127.0.0.1',
    port: int('port', get('port'), 3000),
    model: get('model') ?? 'rapport-sentiment',
    emotionModel: emotion === 'none' ? undefined : emotion,
    modelsDir: path.resolve(get('models-dir') ?? path.join(ROOT, 'models')),
    allowDownload: flag('allow-download'),
    threads: threads === undefined ? undefined : int('threads', threads, 1, 1),
    secret: secret ?? '',
    tokenMaxLifetimeS: lifetimes(get('token-max-hours')),
    rateLimits: {
      ...DEFAULT_RATE_LIMITS,
      perToken: int('rate-per-token', get('rate-per-token'), DEFAULT_RATE_LIMITS.perToken),
      perAddress: int('rate-per-address', get('rate-per-address'), DEFAULT_RATE_LIMITS.perAddress),
      failedSignIns: int('failed-sign-ins', get('failed-sign-ins'), DEFAULT_RATE_LIMITS.failedSignIns, 1),
    },
    redisUrl: get('redis'),
    retentionDays: int('retention-days', get('retention-days'), DEFAULT_RETENTION_DAYS, 1),
    streamShards: int('stream-shards', get('stream-shards'), 16, 1),
    rules: loadYaml('rules', get('rules'), RulesConfigSchema),
    playbook: loadYaml('playbook', get('playbook'), PlaybookSchema),
    quality: loadYaml('quality', get('quality'), QualityConfigSchema),
    analytics: loadAnalyticsConfig(get('analytics') ?? path.join(ROOT, 'config', 'analytics.yaml'), ROOT),
    scoring: {
      maxBatch: int('batch-max', get('batch-max'), 16, 1),
      maxWaitMs: int('batch-wait-ms', get('batch-wait-ms'), 4),
      maxPending: int('max-pending', get('max-pending'), 5000, 1),
    },
    maxLive: int('max-live', get('max-live'), DEFAULT_MAX_LIVE, 1),
    webhook: {
      url: webhookUrl,
      secret: webhookSecret ?? '',
      maxAttempts: int('webhook-max-attempts', get('webhook-max-attempts'), 8, 1),
      retryBaseMs: int('webhook-retry-ms', get('webhook-retry-ms'), 1000, 1),
    },
    summaryDir: summaryDir === undefined ? undefined : path.resolve(summaryDir),
    demo,
    logLevel: get('log-level') ?? 'info',
    logJson: flag('log-json'),
    help: flag('help'),
  };
}
