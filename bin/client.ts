import { TokenService, type Role } from '../server/auth/tokens.ts';
import type { TurnInput } from '../server/ingest/schema.ts';

/** How the CLI signs in to a running Rapport: a given token, or one issued from the shared secret. */
export async function ingestToken(token: string | undefined, secret: string | undefined): Promise<string> {
  if (token) return token;
  if (!secret) throw new Error('give --token, or --secret (or RAPPORT_SECRET) to issue one');
  return issueToken(secret, 'ingest', 'rapport-cli');
}

export function issueToken(secret: string, role: Role, sub: string, name?: string, ttl?: string): Promise<string> {
  return new TokenService(secret).issue({ id: sub, role, name }, ttl);
}

/** A running Rapport's ingest API, over HTTP: the door every live source uses. */
export class RapportClient {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Sends turns (at most 500 a request, the API's limit); throws on anything but full acceptance. */
  async send(turns: readonly TurnInput[]): Promise<void> {
    for (let i = 0; i < turns.length; i += 500) {
      const batch = turns.slice(i, i + 500);
      const res = await this.post('/api/turns', batch);
      if (res.status !== 202) throw new Error(`Rapport refused turns of ${batch[0]?.conversationId}: HTTP ${res.status} ${await res.text()}`);
    }
  }

  async end(conversationId: string): Promise<void> {
    const res = await this.post(`/api/conversations/${encodeURIComponent(conversationId)}/end`, {});
    if (!res.ok) throw new Error(`Rapport could not end ${conversationId}: HTTP ${res.status} ${await res.text()}`);
  }

  private post(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
  }
}
