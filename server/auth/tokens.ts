import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/**
 * Who may do what: agents see their own conversations, supervisors the wall, QA the archive, ingest
 * sends turns, metrics scrapes /metrics.
 */
export const ROLES = ['agent', 'supervisor', 'qa', 'ingest', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The user id; for agents, the agentId their conversations carry. */
  id: string;
  role: Role;
  name: string;
  /** The token's `jti`, by which it can be revoked. */
  tokenId: string;
  /** When the token expires, epoch ms. */
  expiresAt: number;
}

const HOUR_S = 3600;
/**
 * The longest a token of each role may live (seconds): a shift for people, a month for an ingest
 * bridge, a year for a metrics scraper. A token issued for longer is refused, however it was signed.
 */
export const DEFAULT_MAX_LIFETIME_S: Record<Role, number> = { agent: 12 * HOUR_S, supervisor: 12 * HOUR_S, qa: 12 * HOUR_S, ingest: 720 * HOUR_S, metrics: 8760 * HOUR_S };

const ClaimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  name: z.string().optional(),
  jti: z.string().min(1).max(128),
  iat: z.number(),
  exp: z.number(),
});

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Where revoked token ids are kept until the tokens would have expired anyway (the store). */
interface Revocations {
  revokeToken(jti: string, untilMs: number): Promise<void>;
  isTokenRevoked(jti: string): Promise<boolean>;
}

export interface TokenOptions {
  revocations?: Revocations;
  maxLifetimeS?: Record<Role, number>;
}

const ISSUER = 'rapport';

/** HS256 tokens signed with the configured secret; each has an expiry within its role's cap and a revocable id. */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly maxLifetimeS: Record<Role, number>;
  private readonly revokeListeners: ((jti: string) => void)[] = [];

  constructor(
    secret: string,
    private readonly o: TokenOptions = {},
  ) {
    if (secret.length < 32) throw new Error('the token secret must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
    this.maxLifetimeS = o.maxLifetimeS ?? DEFAULT_MAX_LIFETIME_S;
  }

  async issue(p: { id: string; role: Role; name?: string }, ttl: string = '12h'): Promise<string> {
    const token = await new SignJWT({ role: p.role, name: p.name ?? p.id })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(p.id)
      .setIssuer(ISSUER)
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(this.key);
    const { iat, exp } = decodeJwt(token);
    const cap = this.maxLifetimeS[p.role];
    if (exp! - iat! > cap) throw new Error(`a ${p.role} token may last at most ${cap / HOUR_S} hours, not ${ttl}`);
    return token;
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new AuthError('sign-in required: no token was given');
    let claims: z.infer<typeof ClaimsSchema>;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'jti'] });
      claims = ClaimsSchema.parse(payload);
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthError('your sign-in has expired: ask for a new link');
      throw new AuthError('this sign-in link is not valid');
    }
    if (claims.exp - claims.iat > this.maxLifetimeS[claims.role]) throw new AuthError(`this sign-in lasts longer than a ${claims.role} sign-in may: ask for a new link`);
    if (await this.o.revocations?.isTokenRevoked(claims.jti)) throw new AuthError('this sign-in has been revoked: ask for a new link');
    return { id: claims.sub, role: claims.role, name: claims.name ?? claims.sub, tokenId: claims.jti, expiresAt: claims.exp * 1000 };
  }

  /** Revokes a token id; kept until no token of any role issued now could still be valid. */
  async revoke(jti: string, untilMs: number = Date.now() + Math.max(...Object.values(this.maxLifetimeS)) * 1000): Promise<void> {
    if (!this.o.revocations) throw new Error('no revocation store');
    await this.o.revocations.revokeToken(jti, untilMs);
    for (const listener of this.revokeListeners) listener(jti);
  }

  /** Called with each token id this process revokes, so that what is open on it can be closed. */
  onRevoke(listener: (jti: string) => void): void {
    this.revokeListeners.push(listener);
  }
}

export function canSeeConversation(p: Principal, conversation: { agentId?: string }): boolean {
  return p.role === 'supervisor' || p.role === 'qa' || (p.role === 'agent' && conversation.agentId === p.id);
}
