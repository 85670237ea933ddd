import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { connectAs, postAs, startRapport, tokenFor } from '../support/server.ts';

/**
 * Admission control: one ingest token may not make a deployment hold conversations without bound.
 * Beyond --max-live live conversations, a turn that would open another (a partial as much as a final
 * turn) is refused as `saturated`, and nothing of it is stored; the live ones go on.
 */
describe.each(['memory', 'redis'] as const)('--max-live on the %s store', (mode) => {
  let redis: TestRedis | undefined;
  let rapport: Rapport;
  let ingest: string;
  let socket: Socket;

  beforeAll(async () => {
    redis = mode === 'redis' ? await startRedis() : undefined;
    rapport = await startRapport(['--max-live', '2', ...(redis ? ['--redis', redis.url] : [])]);
    ingest = await tokenFor(rapport, 'ingest', 'bridge');
    socket = await connectAs(rapport, '/ingest', ingest);
  });

  afterAll(async () => {
    socket?.disconnect();
    await rapport?.close();
    await redis?.stop();
  });

  const partial = (conversationId: string) => ({ conversationId, speaker: 'customer', text: 'hello, I am calling about', final: false });

  it('refuses a turn that would open a conversation beyond the cap, over REST and the socket, storing nothing', async () => {
    // Partial speech alone opens a conversation, so it counts as much as a final turn.
    for (const id of ['cap-1', 'cap-2']) expect((await postAs(rapport, ingest, '/api/turns', partial(id))).status).toBe(202);
    await rapport.pipeline.idle();

    const res = await fetch(`${rapport.url}/api/turns`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: JSON.stringify(partial('cap-3')) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ ok: false, code: 'saturated', message: expect.stringContaining('--max-live'), retryAfterS: 2 });
    const ack = await socket.emitWithAck('turn', { conversationId: 'cap-4', speaker: 'customer', text: 'I want to cancel my contract' });
    expect(ack).toMatchObject({ ok: false, code: 'saturated', retryAfterS: 2 });
    await rapport.pipeline.idle();
    expect(await rapport.store.get('cap-3')).toBeUndefined();
    expect(await rapport.store.get('cap-4')).toBeUndefined();
    expect(await rapport.store.countLive()).toBe(2);
  });

  it('takes the turns of live conversations at the cap, and a new conversation once one has ended', async () => {
    expect((await postAs(rapport, ingest, '/api/turns', { conversationId: 'cap-1', speaker: 'customer', text: 'my internet is down again' })).status).toBe(202);
    // Through the queue (with Redis, a stream another worker may read) and then the conversation's order.
    await rapport.pipeline.settle('cap-1');
    await rapport.pipeline.idle();
    expect((await rapport.store.get('cap-1'))?.turns).toHaveLength(1);
    expect((await postAs(rapport, ingest, '/api/conversations/cap-2/end', {})).status).toBe(200);
    expect((await postAs(rapport, ingest, '/api/turns', partial('cap-3'))).status).toBe(202);
    await rapport.pipeline.idle();
    expect((await rapport.store.get('cap-3'))?.status).toBe('live');
  });
});
