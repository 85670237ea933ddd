import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LIFETIME_S, TokenService } from '../../server/auth/tokens.ts';
import { loadConfig } from '../../server/config.ts';
import { MemoryStore } from '../../server/store/index.ts';
import { TEST_SECRET } from '../support/server.ts';

const key = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the right secret, with exactly the claims given: what a careless issuer could mint. */
function signed(claims: { exp?: number; iat?: number; jti?: string; role?: string }): Promise<string> {
  let jwt = new SignJWT({ role: claims.role ?? 'agent', name: 'Alice' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer('rapport');
  if (claims.jti !== undefined) jwt = jwt.setJti(claims.jti);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(key);
}

describe('sign-in tokens', () => {
  const tokens = new TokenService(TEST_SECRET, { revocations: new MemoryStore() });

  it('accepts its own tokens, with an id and an expiry', async () => {
    const p = await tokens.verify(await tokens.issue({ id: 'alice', role: 'agent' }));
    expect(p).toMatchObject({ id: 'alice', role: 'agent' });
    expect(p.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.expiresAt).toBeGreaterThan(Date.now() + 11 * 3_600_000);
  });

  it('refuses a token without exp, without iat or without jti', async () => {
    await expect(tokens.verify(await signed({ iat: now(), jti: 'j1' }))).rejects.toThrow(/not valid/);
    await expect(tokens.verify(await signed({ exp: now() + 60, jti: 'j1' }))).rejects.toThrow(/not valid/);
    await expect(tokens.verify(await signed({ iat: now(), exp: now() + 60 }))).rejects.toThrow(/not valid/);
    await expect(tokens.verify(await signed({ iat: now(), exp: now() + 60, jti: 'j1' }))).resolves.toMatchObject({ id: 'alice' });
  });

  it("refuses a token that lives longer than its role's cap, and will not issue one", async () => {
    const hundredYears = await signed({ iat: now(), exp: now() + 100 * 365 * 86_400, jti: 'j2' });
    await expect(tokens.verify(hundredYears)).rejects.toThrow(/lasts longer than a agent sign-in may/);
    await expect(tokens.verify(await signed({ iat: now(), exp: now() + 13 * 3600, jti: 'j3' }))).rejects.toThrow(/lasts longer/);
    // An ingest bridge may hold a month-long token; an agent may not.
    await expect(tokens.verify(await signed({ role: 'ingest', iat: now(), exp: now() + 13 * 3600, jti: 'j4' }))).resolves.toMatchObject({ role: 'ingest' });
    await expect(tokens.issue({ id: 'alice', role: 'agent' }, '100y')).rejects.toThrow(/at most 12 hours/);
  });

  it('takes the caps per role from the configuration', async () => {
    const config = loadConfig(['--secret', TEST_SECRET, '--token-max-hours', 'agent=1,ingest=2'], {});
    expect(config.tokenMaxLifetimeS).toEqual({ ...DEFAULT_MAX_LIFETIME_S, agent: 3600, ingest: 7200 });
    const strict = new TokenService(TEST_SECRET, { maxLifetimeS: config.tokenMaxLifetimeS });
    await expect(strict.verify(await tokens.issue({ id: 'alice', role: 'agent' }, '2h'))).rejects.toThrow(/lasts longer/);
    await expect(strict.verify(await strict.issue({ id: 'alice', role: 'agent' }, '1h'))).resolves.toMatchObject({ id: 'alice' });
    expect(() => loadConfig(['--secret', TEST_SECRET, '--token-max-hours', 'boss=1'], {})).toThrow(/role=hours/);
  });

  it('refuses a revoked token, by its id, and no other', async () => {
    const store = new MemoryStore();
    const service = new TokenService(TEST_SECRET, { revocations: store });
    const a = await service.issue({ id: 'alice', role: 'agent' });
    const b = await service.issue({ id: 'alice', role: 'agent' });
    const { tokenId, expiresAt } = await service.verify(a);
    await service.revoke(tokenId, expiresAt);
    await expect(service.verify(a)).rejects.toThrow(/revoked/);
    await expect(service.verify(b)).resolves.toMatchObject({ id: 'alice' });
    expect(await store.isTokenRevoked(tokenId)).toBe(true);
  });
});
