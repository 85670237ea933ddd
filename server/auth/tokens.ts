import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/** Who may do what: agents see their own conversations, supervisors the wall, QA the archive, ingest sends turns. */
export const ROLES = ['agent', 'supervisor', 'qa', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The user id; for agents, the agentId their conversations carry. */
  id: string;
  role: Role;
  name: string;
}

const ClaimsSchema = z.object({ sub: z.string().min(1), role: z.enum(ROLES), name: z.string().optional() });

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

const ISSUER = 'rapport';

/** HS256 tokens signed with the configured secret. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the token secret must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
  }

  async issue(p: { id: string; role: Role; name?: string }, ttl: string = '12h'): Promise<string> {
    return new SignJWT({ role: p.role, name: p.name ?? p.id })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(p.id)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(this.key);
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new AuthError('sign-in required: no token was given');
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const claims = ClaimsSchema.parse(payload);
      return { id: claims.sub, role: claims.role, name: claims.name ?? claims.sub };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthError('your sign-in has expired: ask for a new link');
      throw new AuthError('this sign-in link is not valid');
    }
  }
}

export function canSeeConversation(p: Principal, conversation: { agentId?: string }): boolean {
  return p.role === 'supervisor' || p.role === 'qa' || (p.role === 'agent' && conversation.agentId === p.id);
}
