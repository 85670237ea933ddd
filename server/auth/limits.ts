import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import { refusal, refuse } from '../api/refusal.ts';
import type { Refusal } from '../contract/index.ts';
import type { SocketLimits } from '../realtime/handlers.ts';
import type { SocketMiddleware } from './socket.ts';

/**
 * Rate limits per token and per address, on HTTP requests, socket handshakes and socket events
 * alike, with rate-limiter-flexible: in memory for one process, in Redis (shared by every process)
 * when a node-redis client is given. Failed sign-ins count on their own, tighter limit per address,
 * so guessing tokens gets a 429 long before it gets anywhere.
 */

export interface RateLimitConfig {
  /** Requests and events per token within `windowS`; 0 = no limit. */
  perToken: number;
  /** Requests and events per address within `windowS`; 0 = no limit. */
  perAddress: number;
  windowS: number;
  /** Failed sign-ins per address within `failureWindowS`, after which that address gets 429s. */
  failedSignIns: number;
  failureWindowS: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = { perToken: 3000, perAddress: 6000, windowS: 10, failedSignIns: 50, failureWindowS: 600 };

/** The slice of a node-redis client rate-limiter-flexible uses (`useRedisPackage`). */
interface NodeRedisLike {
  isReady: boolean;
}

/** Tokens are never keys: a short hash of one is. */
const tokenKey = (token: string) => createHash('sha256').update(token).digest('base64url').slice(0, 22);

function bearerOf(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

export class RateLimits implements SocketLimits {
  private readonly perToken?: RateLimiterAbstract;
  private readonly perAddress?: RateLimiterAbstract;
  private readonly failures: RateLimiterAbstract;

  constructor(config: RateLimitConfig, redis?: NodeRedisLike) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      if (!redis) return memory;
      // While Redis is unreachable each process limits on its own instead of waiting on Redis.
      return new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true, keyPrefix: `rapport:rl:${keyPrefix}`, points, duration, insuranceLimiter: memory });
    };
    if (config.perToken > 0) this.perToken = make('token', config.perToken, config.windowS);
    if (config.perAddress > 0) this.perAddress = make('address', config.perAddress, config.windowS);
    this.failures = make('failed-sign-in', Math.max(1, config.failedSignIns), config.failureWindowS);
  }

  /**
   * Spends one request or event of `address` and `token`; a refusal with the wait when either is used
   * up, or (for what signs in: requests, handshakes) when the address has failed to sign in too often.
   * The checks run side by side: one round trip to Redis, not three, on the turn's path.
   */
  async take(address: string, token: string | undefined, signsIn = true): Promise<Refusal | undefined> {
    const spend = (limiter: RateLimiterAbstract | undefined, key: string) => limiter?.consume(key).then(() => undefined, (error: unknown) => error);
    const [failures, ...spent] = await Promise.all([
      signsIn ? this.failures.get(address) : null,
      spend(this.perAddress, address),
      token === undefined ? undefined : spend(this.perToken, tokenKey(token)),
    ]);
    if (failures && failures.remainingPoints <= 0) return limited('too many failed sign-ins from this address', failures);
    for (const outcome of spent) {
      if (outcome instanceof RateLimiterRes) return limited('too many requests', outcome);
      if (outcome !== undefined) throw outcome;
    }
    return undefined;
  }

  /** Counts a failed sign-in from `address`. */
  async failedSignIn(address: string): Promise<void> {
    await this.failures.penalty(address);
  }

  /** Express middleware, before every route: 429 with Retry-After once a limit is reached; 401s count as failed sign-ins. */
  http(): RequestHandler {
    return (req, res, next) => {
      const address = req.socket.remoteAddress ?? 'unknown';
      res.once('finish', () => {
        if (res.statusCode === 401) void this.failedSignIn(address).catch(() => undefined);
      });
      this.take(address, bearerOf(req.headers.authorization)).then(
        (r) => (r ? refuse(res, r) : next()),
        (error: unknown) => next(error),
      );
    };
  }

  /** Wraps a namespace's sign-in check: the handshake spends from the limits, and a refused sign-in counts. */
  guard(check: SocketMiddleware): SocketMiddleware {
    return (socket, next) => {
      const { address, token } = whoIs(socket);
      this.take(address, token).then(
        (r) => {
          if (r) return next(Object.assign(new Error(r.message), { data: r }));
          check(socket, (error) => {
            if (error) void this.failedSignIn(address).catch(() => undefined);
            next(error);
          });
        },
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      );
    };
  }

  /** One event of a connected socket (already signed in). */
  allow = (socket: Socket): Promise<Refusal | undefined> => {
    const { address, token } = whoIs(socket);
    return this.take(address, token, false);
  };
}

function whoIs(socket: Socket): { address: string; token?: string } {
  const token = (socket.handshake.auth as { token?: unknown }).token;
  return { address: socket.handshake.address, token: typeof token === 'string' ? token : undefined };
}

function limited(message: string, res: RateLimiterRes): Refusal {
  const retryAfterS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return refusal('rate_limited', `${message}: wait ${retryAfterS} s and try again`, undefined, retryAfterS);
}
