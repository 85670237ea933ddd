import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { launchBrowser, openAs, say, sayToEach, screenshot, seriousViolations, startServer, WALL_QUEUES as QUEUES } from './support.ts';

const CONVERSATIONS = 100;
/** Calm, tense and escalating openings, so the wall has every kind of tile and the queue has alerts. */
const TEXTS = [
  'Hello, I have a question about my account.',
  'Thanks, that sounds good.',
  'This is really annoying, it still does not work.',
  'This is the third time I am calling, I want to cancel and I want a refund. Ridiculous.',
  'I am not happy with how long this is taking.',
];

const who = (i: number) => ({ agentId: `agent-${i % 25}`, customerId: `cust-90${String(i).padStart(2, '0')}`, queue: QUEUES[i % QUEUES.length]! });

/** Tile ids and the risk each shows, in wall order. */
const wallOrder = (page: Page) =>
  page.locator('[data-testid=tile]').evaluateAll((tiles) => tiles.map((t) => ({ id: t.getAttribute('data-id')!, risk: Number(t.getAttribute('data-risk')) })));

describe('the supervisor wall with 100 live conversations', () => {
  let rapport: Rapport;
  let browser: Browser;

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(), launchBrowser()]);
    await sayToEach(rapport, CONVERSATIONS, 'w', TEXTS, who);
    await rapport.pipeline.idle();
  });

  afterAll(async () => {
    await browser?.close();
    await rapport?.close();
  });

  it('keeps an order that matches the risk shown, and holds it over 30 s while risks do not change', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'en-GB' });
    // The page's clock is Playwright's: 30 s of wall time pass without waiting for them.
    await page.clock.install();
    const wall = await openAs(browser, rapport, '/supervisor', 'supervisor', 'sam', undefined, page);
    await wall.getByText(`${CONVERSATIONS} live`).waitFor({ timeout: 30_000 });

    const first = await wallOrder(wall);
    expect(first).toHaveLength(CONVERSATIONS);
    const risks = first.map((t) => t.risk);
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    expect(new Set(risks).size).toBeGreaterThan(2);

    for (let second = 1; second <= 30; second++) {
      await wall.clock.runFor(1000);
      expect((await wallOrder(wall)).map((t) => t.id)).toEqual(first.map((t) => t.id));
    }

    // A small change of risk (under the re-rank step) moves nothing; the order still matches the figures.
    const calm = first.at(-1)!;
    const i = Number(calm.id.slice(2));
    await say(rapport, calm.id, 'customer', 'Thanks, that sounds good.', who(i));
    await rapport.pipeline.idle();
    await wall.clock.runFor(2000);
    const after = await wallOrder(wall);
    expect(after.map((t) => t.id)).toEqual(first.map((t) => t.id));
    expect(after.map((t) => t.risk)).toEqual([...after.map((t) => t.risk)].sort((a, b) => b - a));

    // Pinning puts a tile on top and keeps it there.
    await wall.locator(`[data-testid=tile][data-id="${calm.id}"] [data-testid=pin]`).click();
    expect((await wallOrder(wall))[0]!.id).toBe(calm.id);
    await wall.locator(`[data-testid=tile][data-id="${calm.id}"] [data-testid=pin]`).click();
    await screenshot(wall, 'wall-100-1920-en');
    await wall.close();
  });

  it('filters the alert queue with the tiles, acknowledges in bulk, and sorts the table view', async () => {
    const wall = await openAs(browser, rapport, '/supervisor', 'supervisor', 'sam', { width: 1920, height: 1080 });
    await wall.getByText(`${CONVERSATIONS} live`).waitFor({ timeout: 30_000 });
    const groups = wall.locator('[data-testid=queue-group]');
    await expect.poll(() => groups.count(), { timeout: 20_000 }).toBeGreaterThan(8);

    await wall.getByLabel('Queue', { exact: true }).selectOption('billing');
    await expect.poll(() => wall.locator('[data-testid=tile]').count()).toBe(CONVERSATIONS / QUEUES.length);
    const shown = new Set(await wall.locator('[data-testid=tile]').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-id'))));
    const queued = await groups.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-conversation-id')));
    expect(queued.length).toBeGreaterThan(0);
    for (const id of queued) expect(shown.has(id)).toBe(true);
    const billingWithAlerts = (await rapport.store.list({ status: 'live' })).filter((c) => c.queue === 'billing' && c.alerts.some((a) => a.state !== 'resolved'));
    expect(queued.length).toBe(billingWithAlerts.length);

    await wall.getByTestId('ack-all').click();
    await expect.poll(async () => (await groups.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-open')))).every((n) => n === '0')).toBe(true);
    const live = await rapport.store.list({ status: 'live' });
    expect(live.filter((c) => c.queue === 'billing').flatMap((c) => c.alerts).filter((a) => a.state === 'open')).toEqual([]);
    // Only what the filter showed was acknowledged.
    expect(live.filter((c) => c.queue !== 'billing').flatMap((c) => c.alerts).some((a) => a.state === 'open')).toBe(true);

    await wall.getByLabel('Queue', { exact: true }).selectOption('');
    await wall.getByTestId('density-compact').click();
    await screenshot(wall, 'wall-compact-1920-en');
    await wall.getByTestId('view-table').click();
    await wall.getByRole('columnheader', { name: 'Risk' }).getByRole('button').click();
    const rows = await wall.locator('[data-testid=wall-row] td:nth-child(5)').allInnerTexts();
    expect(rows).toHaveLength(CONVERSATIONS);
    expect(rows.map(Number)).toEqual(rows.map(Number).sort((a, b) => b - a));
    // Every customer spoke last, so each row says how long they have waited; the longest wait first.
    await wall.getByRole('columnheader', { name: 'Waiting' }).getByRole('button').click();
    const waits = (await wall.getByTestId('wall-row-waiting').allInnerTexts()).map((text) => text.split(':').reduce((total, part) => total * 60 + Number(part), 0));
    expect(waits).toHaveLength(CONVERSATIONS);
    expect(waits.every((w) => Number.isFinite(w) && w >= 0)).toBe(true);
    expect(waits).toEqual([...waits].sort((a, b) => b - a));
    await screenshot(wall, 'wall-table-1920-en');
    expect(await seriousViolations(wall)).toEqual([]);
    await wall.getByTestId('view-tiles').click();
    await wall.getByRole('button', { name: 'Comfortable' }).click();

    // A new alert is announced once, in the one status region; the queue itself is not a live region.
    expect(await wall.locator('.queue [aria-live], .queue[aria-live]').count()).toBe(0);
    await say(rapport, 'w-1', 'customer', 'I am going to my lawyer and the regulator about this.', who(1));
    await expect.poll(() => wall.getByTestId('alert-announcer').innerText(), { timeout: 20_000 }).toMatch(/^New Critical alert: agent-1 cust-9001/);
    await wall.close();
  });
});
