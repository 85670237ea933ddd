import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, ApiError } from '../../client/src/lib/api.ts';
import { request } from '../../client/src/lib/socket.ts';
import type { Rapport } from '../../server/app.ts';
import { connectAs, startRapport, tokenFor } from '../support/server.ts';

/**
 * The client's REST and socket layers against a real server: a refusal reaches the screen as the
 * message the server wrote (naming the field), not as "Bad Request".
 */

let rapport: Rapport;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  rapport = await startRapport();
  // The client fetches same-origin paths, as in the browser; here they go to the test server.
  globalThis.fetch = ((input: string, init?: RequestInit) => realFetch(`${rapport.url}${input}`, init)) as typeof fetch;
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await rapport?.close();
});

describe('refusals as the client shows them', () => {
  it('REST errors carry the server message and status', async () => {
    const api = new Api(await tokenFor(rapport, 'supervisor', 'sam'));
    const missing = await api.conversation('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, message: 'no conversation nope' });
    const invalid = (await api.drawSample({ from: 'not a date', to: 0 }).catch((e: unknown) => e)) as ApiError;
    expect(invalid.status).toBe(400);
    expect(invalid.message).toMatch(/^from: /);
    expect(invalid.message).not.toBe('Bad Request');
    expect(invalid.refusal?.errors?.[0]?.field).toBe('from');
    const signedOut = (await new Api('forged').me().catch((e: unknown) => e)) as ApiError;
    expect(signedOut).toMatchObject({ status: 401, message: 'this sign-in link is not valid' });
  });

  it('socket acks reject with the server message', async () => {
    const socket = await connectAs(rapport, '/supervisor', await tokenFor(rapport, 'supervisor', 'sam'));
    await expect(request((ack) => socket.emit('whisper', { conversationId: 'nope', text: 'hi' }, ack))).rejects.toThrow('no such live conversation');
    await expect(request((ack) => socket.emit('whisper', { conversationId: 'nope', text: '\u200b' }, ack))).rejects.toThrow(/^text: must not be empty/);
    socket.disconnect();
  });
});
