import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { connectAs, startRapport, tokenFor } from '../support/server.ts';

let rapport: Rapport;
let token: string;
let socket: Socket;

beforeAll(async () => {
  rapport = await startRapport();
  token = await tokenFor(rapport, 'ingest', 'bridge');
  socket = await connectAs(rapport, '/ingest', token);
});

afterAll(async () => {
  socket?.disconnect();
  await rapport?.close();
});

const valid = { conversationId: 'm-1', speaker: 'customer', text: 'hello' };

/** Eleven kinds of bad turn, each with the field its rejection must name. */
const KINDS: { name: string; body: () => unknown; field: string; httpField?: string }[] = [
  { name: 'wrong type for text', body: () => ({ ...valid, text: 42 }), field: 'text' },
  { name: 'empty text', body: () => ({ ...valid, text: '   ' }), field: 'text' },
  { name: '1 MB text', body: () => ({ ...valid, text: 'x'.repeat(1_000_000) }), field: 'text' },
  { name: 'unknown speaker', body: () => ({ ...valid, speaker: 'bot' }), field: 'speaker' },
  { name: 'missing conversation id', body: () => ({ speaker: 'agent', text: 'hi' }), field: 'conversationId' },
  { name: 'bad timestamp', body: () => ({ ...valid, at: 'yesterday' }), field: 'at' },
  // Past the last date a Date can hold; any end a day ahead would talk over every later turn.
  { name: 'end time far ahead', body: () => ({ ...valid, channel: 'voice', at: Date.now(), endAt: 8_640_000_000_000_001 }), field: 'endAt' },
  { name: 'unknown field', body: () => ({ ...valid, mood: 'sad' }), field: '(turn)' },
  { name: 'final as a string', body: () => ({ ...valid, final: 'yes' }), field: 'final' },
  // Over HTTP the JSON parser refuses a bare string before the schema sees it.
  { name: 'not an object', body: () => 'just text', field: '(turn)', httpField: '(body)' },
  { name: 'bad id characters', body: () => ({ ...valid, conversationId: 'a b/c' }), field: 'conversationId' },
];

describe('1,000 malformed turns', () => {
  it('each get a clear rejection naming the field, and the server keeps serving', async () => {
    let rejected = 0;
    for (let i = 0; i < 1000; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const viaSocket = i % 2 === 1;
      let reply: { ok: boolean; code?: string; errors?: { field: string; message: string }[] };
      if (viaSocket) {
        reply = await socket.emitWithAck('turn', kind.body());
      } else {
        const res = await fetch(`${rapport.url}/api/turns`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(kind.body()),
        });
        expect(res.status, kind.name).toBe(400);
        reply = (await res.json()) as typeof reply;
      }
      expect(reply.ok, kind.name).toBe(false);
      expect(reply.code, kind.name).toBe('invalid');
      expect(reply.errors?.map((e) => e.field), kind.name).toContain(viaSocket ? kind.field : (kind.httpField ?? kind.field));
      expect(reply.errors?.every((e) => e.message.length > 0)).toBe(true);
      rejected++;
    }
    expect(rejected).toBe(1000);

    const ok = await socket.emitWithAck('turn', { conversationId: 'after-storm', speaker: 'customer', text: 'Still working? Great, thanks!' });
    expect(ok).toMatchObject({ ok: true });
    await rapport.pipeline.idle();
    expect((await rapport.store.get('after-storm'))?.turns).toHaveLength(1);
    expect(await rapport.store.list({})).toHaveLength(1);
  });

  it('answers bad JSON and oversized bodies with a reason', async () => {
    const send = (body: string) =>
      fetch(`${rapport.url}/api/turns`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    const badJson = await send('{"conversationId": "x", ');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/not valid JSON/);
    const huge = await send(JSON.stringify([{ ...valid, text: 'y'.repeat(5_000_000) }]));
    expect(huge.status).toBe(413);
    const tooMany = await send(JSON.stringify(Array.from({ length: 501 }, () => valid)));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/1 to 500/);
  });
});
