import { describe, expect, it } from 'vitest';
import type { Prompt } from '../../server/domain/prompt.ts';
import { rig } from '../support/quality.ts';

describe('prompts that expire', () => {
  async function rigged() {
    const r = await rig();
    // What went out as prompt events: a turn's expired copies and new prompts, and an end's expired ones.
    const sent = (): Prompt[] => r.published.flatMap((o) => (o.kind === 'turn' ? [...o.expired, ...o.prompts] : o.kind === 'ended' ? o.expired : []));
    const prompts = async (id: string) => (await r.store.get(id))!.prompts.filter((p) => p.kind !== 'whisper');
    return { ...r, sent, prompts };
  }

  it('supersedes an older suggestion when a newer one arrives, and publishes the change', async () => {
    const { say, prompts, sent } = await rigged();
    await say('e1', 'customer', 'This is terrible.');
    await say('e1', 'customer', 'Awful, useless.');
    await say('e1', 'customer', 'Terrible, I want to cancel.');
    const all = await prompts('e1');
    expect(all.length).toBeGreaterThanOrEqual(2);
    const [older, newest] = [all.slice(0, -1), all.at(-1)!];
    for (const p of older) expect(p).toMatchObject({ expiry: 'superseded' });
    expect(newest.expiredAt).toBeUndefined();
    // The expired copies went out as prompt events, so the sidebar drops them.
    expect(sent().filter((p) => p.expiry === 'superseded').map((p) => p.id)).toEqual(expect.arrayContaining(older.map((p) => p.id)));
  });

  it('clears a suggestion once the customer has recovered, and expires the rest when the conversation ends', async () => {
    const { say, prompts, commands, sent } = await rigged();
    await say('e2', 'customer', 'This is terrible, I want to cancel.');
    const open = (await prompts('e2')).filter((p) => !p.expiredAt);
    expect(open.length).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) await say('e2', 'customer', 'Great, thanks, perfect.');
    const after = await prompts('e2');
    expect(after.filter((p) => open.some((o) => o.id === p.id)).map((p) => p.expiry)).toEqual(open.map(() => 'cleared'));

    await say('e3', 'customer', 'This is terrible, I want to cancel.');
    expect((await prompts('e3')).some((p) => !p.expiredAt)).toBe(true);
    await commands.end('e3');
    expect((await prompts('e3')).map((p) => p.expiry)).toEqual((await prompts('e3')).map(() => 'ended'));
    expect(sent().filter((p) => p.conversationId === 'e3' && p.expiry === 'ended').map((p) => p.id)).toEqual((await prompts('e3')).map((p) => p.id));
  });

  it('clears a checklist suggestion once the agent does the item', async () => {
    const { say, prompts } = await rigged();
    await say('e4', 'agent', 'Hello, this is Alice.');
    await say('e4', 'customer', "OK that's all, bye");
    const summary = (await prompts('e4')).find((p) => p.source === 'checklist:summary')!;
    expect(summary.expiredAt).toBeUndefined();
    await say('e4', 'agent', 'To recap, I will send the new card by Friday.');
    expect((await prompts('e4')).find((p) => p.id === summary.id)).toMatchObject({ expiry: 'cleared' });
  });
});
