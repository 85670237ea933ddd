import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  createClient,
  ErrorReply,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import type { Logger } from 'pino';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * A start-up that cannot reach Redis in this time fails, naming the URL, instead of waiting forever.
 * Not shorter: on a loaded machine a connect to a live Redis on loopback was seen to take over 3 s.
 */
export const CONNECT_DEADLINE_MS = 5000;
/** No command waits longer than this to be sent; requests answer 503 instead of hanging. */
const COMMAND_TIMEOUT_MS = 1500;
const RECONNECT_MAX_DELAY_MS = 1000;

export interface ConnectOptions {
  /**
   * Commands issued while the connection is down wait for the reconnect (up to the command timeout)
   * instead of failing at once: for socket.io's adapter, whose read loop retries without pausing (so
   * failing at once would spin), and for webhook events, so a short blip does not drop one.
   */
  queueWhileOffline?: boolean;
  log?: Logger;
}

/** The URL without its password, for messages and logs. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}

/**
 * A connection with Rapport's settings: it reconnects forever once it has connected, but commands do
 * not queue while it is down (they fail at once, so ingest and reads answer 503 and the sender
 * retries). The first connect must succeed within CONNECT_DEADLINE_MS.
 */
export async function connectRedis(url: string, name: string, o: ConnectOptions = {}): Promise<RedisClient> {
  const client = createClient({
    url,
    name: `rapport:${name}`,
    disableOfflineQueue: !o.queueWhileOffline,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: { connectTimeout: CONNECT_DEADLINE_MS, reconnectStrategy: (retries) => Math.min((retries + 1) * 100, RECONNECT_MAX_DELAY_MS) },
  });
  // One line when a connection goes down and one when it is back, not one per reconnect attempt.
  let down = false;
  let lastError = '';
  client.on('error', (error: Error) => {
    lastError = error.message || error.name;
    if (!down) o.log?.warn({ connection: name, err: lastError }, 'redis unreachable; reconnecting, requests answer 503 meanwhile');
    down = true;
  });
  client.on('ready', () => {
    if (down) o.log?.info({ connection: name }, 'redis reachable again');
    down = false;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${describeUrl(url)} within ${CONNECT_DEADLINE_MS / 1000} s${lastError ? ` (${lastError})` : ''}`)), CONNECT_DEADLINE_MS);
  });
  const connecting = client.connect();
  connecting.catch(() => {});
  try {
    await Promise.race([connecting, deadline]);
    return client;
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Closes gracefully when it can (pending replies arrive), at once when the connection is down. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) return client.destroy();
  await client.close().catch(() => client.destroy());
}

/** Replies Redis gives while it cannot serve yet (loading the AOF after a restart, a busy script). */
const NOT_SERVING = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)\b/;

/** Whether a command failed because Redis is unreachable or not serving, rather than because of the command. */
export function isRedisUnavailable(error: unknown): boolean {
  return (
    error instanceof ClientOfflineError ||
    error instanceof ClientClosedError ||
    error instanceof SocketClosedUnexpectedlyError ||
    error instanceof TimeoutError ||
    error instanceof ConnectionTimeoutError ||
    error instanceof SocketTimeoutError ||
    (error instanceof ErrorReply && NOT_SERVING.test(error.message))
  );
}
