import { describe, expect, it } from 'vitest';
import { IdleEnder } from '../../server/quality/index.ts';
import { config, MINUTE, rig } from '../support/quality.ts';

describe('ending silent conversations', () => {
  // The rig's sweeper hears every published outcome, as the server's does.
  const rigged = rig;

  it('ends a chat after its idle time and a voice call after the shorter one, and nothing that is active', async () => {
    const { say, idle, clock, store } = await rigged();
    const { chat, voice } = config.quality.idleEnd.minutes;
    expect(voice).toBeLessThan(chat);
    await say('chat-1', 'customer', 'My order never came.');
    await say('voice-1', 'customer', 'My order never came.', { channel: 'voice' });
    await say('chat-2', 'customer', 'Hello?');

    clock.now += voice * MINUTE;
    expect(await idle.sweep()).toEqual(['voice-1']);
    clock.now += (chat - voice) * MINUTE - 1000;
    await say('chat-2', 'customer', 'Still there?');
    clock.now += 1000;
    expect(await idle.sweep()).toEqual(['chat-1']);
    expect((await store.get('chat-1'))!.status).toBe('ended');
    expect((await store.get('chat-2'))!.status).toBe('live');
    expect(await idle.sweep()).toEqual([]);
  });

  it('counts a turn sent with an old timestamp as activity now', async () => {
    const { say, idle, clock, store } = await rigged();
    clock.now += 60 * MINUTE;
    await say('old-1', 'customer', 'Replayed from a file', { at: clock.now - 50 * MINUTE });
    expect(await idle.sweep()).toEqual([]);
    clock.now += config.quality.idleEnd.minutes.chat * MINUTE;
    expect(await idle.sweep()).toEqual(['old-1']);
    expect((await store.get('old-1'))!.status).toBe('ended');
  });

  it('gives every live conversation a full idle period after a restart', async () => {
    const { say, clock, store, commands } = await rigged();
    await say('r-1', 'customer', 'Hello');
    clock.now += 100 * MINUTE;
    const restarted = new IdleEnder(store, config.quality.idleEnd, () => clock.now);
    await restarted.start(commands, false);
    expect(await restarted.sweep()).toEqual([]);
    clock.now += config.quality.idleEnd.minutes.chat * MINUTE;
    expect(await restarted.sweep()).toEqual(['r-1']);
  });
});
