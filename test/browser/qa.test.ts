import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Speaker } from '../../server/domain/turn.ts';
import { launchBrowser, openAs, qualityArgs, say, screenshot, startServer } from './support.ts';

/** Chat conversations end after 3 s of silence here (15 minutes by default), checked twice a second. */
const IDLE_ARGS = qualityArgs((q) => {
  q.idleEnd = { minutes: { chat: 0.05, voice: 0.05 }, tickSeconds: 0.5 };
});

describe('QA replay in a browser', () => {
  let rapport: Rapport;
  let browser: Browser;
  const who = { agentId: 'alice', customerId: 'cust-q1', queue: 'cards' };

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(IDLE_ARGS), launchBrowser()]);
    // One finished conversation that escalates, then recovers, and a second one for the filters.
    // Turns are spaced out so the replay has a timeline to play.
    const script: [Speaker, string][] = [
      ['agent', 'Hi, you are chatting with Alice from Contoso Bank. How can I help?'],
      ['customer', 'I was charged twice and I want a refund. This is the second time this happened!'],
      ['agent', "I'm sorry about that. I have reversed the duplicate charge now."],
      ['customer', 'Oh great, thank you so much, that is a relief!'],
    ];
    for (const [speaker, text] of script) {
      await say(rapport, 'qa-1', speaker, text, who);
      await rapport.pipeline.idle();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await say(rapport, 'qa-2', 'customer', 'Just checking my balance, thanks.', { agentId: 'bob', customerId: 'cust-q2', queue: 'billing' });
    await rapport.pipeline.idle();
    await rapport.ingest.end({ conversationId: 'qa-1' });
    await rapport.ingest.end({ conversationId: 'qa-2' });
  });

  afterAll(async () => {
    await browser?.close();
    await rapport?.close();
  });

  it('finds, replays, annotates and exports a finished conversation', async () => {
    const page = await openAs(browser, rapport, '/qa', 'qa', 'quinn', { width: 1400, height: 900 });
    const rows = page.locator('[data-testid=qa-row]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect(await page.getByTestId('qa-agent').locator('option').allInnerTexts()).toEqual(['Any', 'alice', 'bob']);

    // Filter: only conversations with alerts, only alice's.
    await page.getByLabel('Alerts').selectOption('true');
    await page.getByTestId('qa-agent').selectOption('alice');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => rows.count()).toBe(1);

    await rows.first().getByRole('button').click();
    const replay = page.locator('[data-testid=replay]');
    await replay.waitFor();
    await replay.getByRole('button', { name: /Play/ }).click();
    await replay.getByRole('button', { name: /Pause/ }).waitFor();
    await replay.getByRole('button', { name: /Pause/ }).click();
    await replay.getByRole('button', { name: /Jump to alert/ }).first().click();
    await replay.locator('.turn.current').waitFor();

    await page.getByLabel('QA note').fill('Good recovery: owned the double charge and fixed it in the chat.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await replay.getByText('Saved').waitFor();
    expect((await rapport.store.get('qa-1'))?.qaNote).toMatch(/Good recovery/);

    const [json] = await Promise.all([page.waitForEvent('download'), replay.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(json.suggestedFilename()).toBe('qa-1.json');
    const exported = JSON.parse(await readFile((await json.path())!, 'utf8'));
    expect(exported.turns).toHaveLength(4);
    expect(exported.qaNote).toMatch(/Good recovery/);

    const [csv] = await Promise.all([page.waitForEvent('download'), replay.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('qa-1.csv');
    const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toContain('conversationId,at,offsetSeconds,kind,speaker,text');
    expect(lines.filter((l) => l.includes(',turn,'))).toHaveLength(4);

    await replay.getByRole('button', { name: /Play/ }).click();
    await page.waitForTimeout(600);
    await screenshot(page, 'qa');
    await page.close();
  });

  it("serves the app on the screens' paths and a JSON 404 on unknown ones", async () => {
    for (const route of ['/', '/agent', '/supervisor', '/qa', '/team']) {
      const res = await fetch(`${rapport.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(await res.text()).toContain('<!doctype html>');
    }
    for (const route of ['/api/nope', '/agents', '/qa/extra']) {
      const res = await fetch(`${rapport.url}${route}`);
      expect(res.status, route).toBe(404);
      expect(await res.json()).toMatchObject({ ok: false, code: 'not_found', message: `no route GET ${route}` });
    }
  });

  it('ends a conversation nobody ended once it is silent, and QA finds it', async () => {
    await say(rapport, 'qa-idle', 'customer', 'Is anyone there? I need help with my card.', { agentId: 'wei', customerId: 'cust-idle', queue: 'cards' });
    await rapport.pipeline.idle();
    expect((await rapport.store.get('qa-idle'))?.status).toBe('live');
    await expect.poll(async () => (await rapport.store.get('qa-idle'))?.status, { timeout: 10_000, interval: 250 }).toBe('ended');

    const page = await openAs(browser, rapport, '/qa', 'qa', 'quinn', { width: 1400, height: 900 });
    await page.locator('[data-testid=qa-row]').filter({ hasText: 'cust-idle' }).waitFor();
    await page.close();
  });

  it('searches 230 conversations by keyword, queue, grade, customer and contact reason, pages past 200, and exports the filtered set', async () => {
    const QUEUES = ['billing', 'cards'];
    const texts = ['My router keeps dropping the line.', 'Thanks, the parcel arrived.', 'I will talk to my lawyer about this invoice.'];
    const turns = Array.from({ length: 230 }, (_, i) => ({
      conversationId: `bulk-${i}`,
      turnId: `bulk-${i}-1`,
      speaker: 'customer' as const,
      text: texts[i % texts.length]!,
      agentId: i % 2 ? 'alice' : 'bob',
      customerId: `bulk-cust-${i}`,
      queue: QUEUES[i % QUEUES.length]!,
    }));
    for (const turn of turns) expect((await rapport.ingest.turn(turn)).ok).toBe(true);
    await rapport.pipeline.idle();
    for (const turn of turns) await rapport.ingest.end({ conversationId: turn.conversationId });

    const page = await openAs(browser, rapport, '/qa', 'qa', 'quinn', { width: 1400, height: 900 });
    const total = page.getByTestId('qa-total');
    await expect.poll(async () => Number(await total.getAttribute('data-total')), { timeout: 15_000 }).toBeGreaterThanOrEqual(233);
    // Paging goes past 200: the last page is reachable.
    const pages = Math.ceil(Number(await total.getAttribute('data-total')) / 50);
    for (let i = 1; i < pages; i++) {
      await page.getByTestId('qa-next').click();
      await expect.poll(() => total.innerText()).toMatch(new RegExp(`^${i * 50 + 1}–`));
    }
    await expect.poll(() => total.innerText()).toMatch(/^201–/);

    await page.getByTestId('qa-keywords').fill('lawyer invoice');
    await page.getByTestId('qa-queue').selectOption('billing');
    await page.getByRole('button', { name: 'Search' }).click();
    // i % 3 === 2 (the lawyer text) and i even (billing): i ≡ 2 mod 6, 38 of them.
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(38);
    await page.getByTestId('qa-grade').selectOption('major');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(38);
    await page.getByTestId('qa-grade').selectOption('general');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(0);
    await page.getByTestId('qa-grade').selectOption('');
    await page.getByTestId('qa-customer').fill('bulk-cust-8');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(1);
    await page.getByTestId('qa-customer').fill('');
    // The contact reason, chosen from those found, by name: "invoice" is Billing, "keeps dropping" an outage.
    expect(await page.getByTestId('qa-reason').locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['Any', 'Billing', 'Delivery', 'Service outage']));
    await page.getByTestId('qa-reason').selectOption({ label: 'Service outage' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(0);
    await page.getByTestId('qa-reason').selectOption({ label: 'Billing' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => Number(await total.getAttribute('data-total'))).toBe(38);

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-all-json').click()]);
    const views = JSON.parse(await readFile((await json.path())!, 'utf8')) as { id: string; queue: string; turns: unknown[] }[];
    expect(views).toHaveLength(38);
    expect(views.every((v) => v.queue === 'billing' && v.turns.length === 1)).toBe(true);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-all-csv').click()]);
    const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\r\n');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(38);
    expect(lines.filter((l) => l.includes(',turn,'))).toHaveLength(38);
    await screenshot(page, 'qa-bulk-1400-en');
    await page.close();
  });
});
