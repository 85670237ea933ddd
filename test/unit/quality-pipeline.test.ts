import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/domain/alert.ts';
import type { Prompt } from '../../server/domain/prompt.ts';
import { MINUTE, rig, T0 } from '../support/quality.ts';
import type { Checklist } from '../../server/domain/quality.ts';

describe('the quality step in the pipeline', () => {
  it('ticks the checklist on agent turns, emits it for the sidebar, stores it, and prompts missing items near the end', async () => {
    const { store, say, published } = await rig();
    const turns = () => published.flatMap((o) => (o.kind === 'turn' ? [o] : []));
    const checklists = (): Checklist[] => turns().flatMap((o) => (o.checklist ? [o.checklist] : []));
    const prompts = (): Prompt[] => turns().flatMap((o) => o.prompts);

    await say('k1', 'agent', 'Hello, this is Alice.');
    await say('k1', 'customer', 'My order never came.');
    await say('k1', 'customer', 'Still nothing here.');
    await say('k1', 'agent', 'I will send a new one by tomorrow.');
    expect(checklists().map((c) => c.items.filter((i) => i.status === 'done').map((i) => i.id))).toEqual([['greeting'], ['greeting', 'commitment']]);

    await say('k1', 'customer', "OK that's all, bye");
    expect(prompts().filter((p) => p.kind === 'checklist').map((p) => p.source)).toEqual(['checklist:polite', 'checklist:summary']);
    const stored = (await store.get('k1'))!;
    expect(stored.checklist!.score).toBeCloseTo(2 / 5);
  });

  it('records earlier contacts of the same customer once, and grades them as a repeat contact', async () => {
    const { store, say, commands, clock } = await rig();
    await say('r1', 'customer', 'Hi there');
    await commands.end('r1');
    clock.now += 3 * 86_400_000;
    await say('r2', 'customer', 'This is terrible.');
    clock.now += 30 * 86_400_000;
    await say('r3', 'customer', 'Hello again');
    const c = (await store.get('r2'))!;
    expect(c.priorContacts).toBe(1);
    expect(c.complaints![0]!.reasons).toContainEqual({ code: 'complaint.priorContacts', params: { count: 1, days: 7 }, points: 2 });
    expect((await store.get('r1'))!.priorContacts).toBe(0);
    expect((await store.get('r3'))!.priorContacts).toBe(0); // outside the repeat-contact window
  });
});

describe('acknowledgement deadlines, live', () => {
  async function alerted() {
    const r = await rig();
    await r.say('d1', 'customer', 'This is terrible, I want to cancel.');
    const alert = (await r.store.get('d1'))!.alerts[0]!;
    return { ...r, alert };
  }

  it('arm on open and escalate through the pipeline when nobody acknowledges in time', async () => {
    const { alert, ticker, clock, published, store } = await alerted();
    expect(alert).toMatchObject({ severity: 'warning', notify: 'supervisor', ackDueAt: T0 + 5 * MINUTE });
    const seen = published.length;
    const updates = (): Alert[] =>
      published.slice(seen).flatMap((o) => (o.kind === 'turn' || o.kind === 'alerts' ? o.alerts.filter((a) => a.change === 'updated').map((a) => a.alert) : []));

    clock.now = T0 + 5 * MINUTE - 1;
    expect(await ticker.tick()).toEqual([]);
    clock.now = T0 + 5 * MINUTE;
    expect(await ticker.tick()).toEqual(['d1']);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]).toMatchObject({ id: alert.id, severity: 'critical', notify: 'manager', ackDueAt: T0 + 7 * MINUTE });
    expect((await store.get('d1'))!.alerts[0]).toEqual(updates()[0]);

    // Critical, with the manager notified: nothing further to escalate, and the ticker lets it go.
    clock.now = T0 + 60 * MINUTE;
    expect(await ticker.tick()).toEqual([]);
    expect(ticker.armed).toBe(0);
  });

  it('stop once a supervisor acknowledges', async () => {
    const { alert, ticker, clock, commands } = await alerted();
    await commands.acknowledgeAlert(alert.id, 'sam');
    expect(ticker.armed).toBe(0);
    clock.now = T0 + 60 * MINUTE;
    expect(await ticker.tick()).toEqual([]);
  });

  it('survive a restart: a new process re-arms from the store', async () => {
    const { alert, store, ticker, clock } = await alerted();
    ticker.stop();
    const restarted = await rig(store, clock);
    expect(restarted.ticker.armed).toBe(1);
    clock.now = T0 + 6 * MINUTE;
    expect(await restarted.ticker.tick()).toEqual(['d1']);
    expect((await store.get('d1'))!.alerts.find((a) => a.id === alert.id)!.escalations).toHaveLength(1);
  });
});
