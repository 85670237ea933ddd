import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { launchBrowser, openAs, sayToEach, screenshot, startServer, WALL_QUEUES as QUEUES } from './support.ts';

const CONVERSATIONS = 200;
const TEXTS = [
  'Hello, I have a question about my account.',
  'This is really annoying, it still does not work.',
  'Thanks, that sounds good.',
  'I am not happy with how long this is taking.',
];

/**
 * A wall with 200 live conversations, updated while the page is measured. No timing asserts (the
 * machine is shared); the figures are printed for the record.
 */
describe('the supervisor wall under 200 live conversations', () => {
  let rapport: Rapport;
  let browser: Browser;

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await rapport?.close();
  });

  const who = (i: number) => ({ agentId: `agent-${i % 50}`, customerId: `load-cust-${i}`, queue: QUEUES[i % QUEUES.length]! });

  it('shows 200 tiles and stays responsive while they update', async () => {
    const page = await openAs(browser, rapport, '/supervisor', 'supervisor', 'sam', { width: 1600, height: 1000 });
    await page.locator('[data-testid=link-state][data-state=online]').waitFor();

    const started = Date.now();
    await sayToEach(rapport, CONVERSATIONS, 'load', TEXTS, who);
    await page.getByText(`${CONVERSATIONS} live`).waitFor({ timeout: 60_000 });
    const allShownMs = Date.now() - started;

    // Measure inside the page while a second wave of turns updates every tile.
    await page.evaluate(() => {
      const w = window as unknown as { probe: { gaps: number[]; longTasks: number[]; stop: boolean } };
      w.probe = { gaps: [], longTasks: [], stop: false };
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.probe.longTasks.push(e.duration))).observe({ type: 'longtask' });
      let last = performance.now();
      const frame = (now: number) => {
        w.probe.gaps.push(now - last);
        last = now;
        if (!w.probe.stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const wave = sayToEach(rapport, CONVERSATIONS, 'load', TEXTS, who, 1);

    // Input while updates stream in: filter the wall to one queue (timed in the page, from the
    // change event to the next painted frame), then back.
    const filter = await page.evaluate(async () => {
      const select = document.getElementById('filter-queue') as HTMLSelectElement;
      const t0 = performance.now();
      select.value = 'billing';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return { ms: Math.round(performance.now() - t0), tiles: document.querySelectorAll('[data-testid=tile]').length };
    });
    expect(filter.tiles).toBe(CONVERSATIONS / QUEUES.length);
    const filterMs = filter.ms;
    await page.getByLabel('Queue', { exact: true }).selectOption('');
    await expect.poll(() => page.locator('[data-testid=tile]').count()).toBe(CONVERSATIONS);

    await wave;
    await rapport.pipeline.idle();
    await page.waitForTimeout(500);
    const probe = await page.evaluate(() => {
      const w = window as unknown as { probe: { gaps: number[]; longTasks: number[]; stop: boolean } };
      w.probe.stop = true;
      const gaps = [...w.probe.gaps].sort((a, b) => a - b);
      return {
        frames: gaps.length,
        p95FrameMs: Math.round(gaps[Math.floor(gaps.length * 0.95)] ?? 0),
        maxFrameMs: Math.round(gaps.at(-1) ?? 0),
        longTasks: w.probe.longTasks.length,
        longestTaskMs: Math.round(Math.max(0, ...w.probe.longTasks)),
        sparkCanvases: document.querySelectorAll('.spark canvas').length,
      };
    });
    // The page still answers: opening a tile shows its transcript.
    const openStart = Date.now();
    await page.locator('[data-testid=tile]').first().click();
    await page.locator('[data-testid=drawer]').waitFor();
    const drawerMs = Date.now() - openStart;

    console.log(`[wall-load] ${CONVERSATIONS} tiles shown ${allShownMs} ms after the first turn; filter under load ${filterMs} ms; drawer ${drawerMs} ms;`, probe);
    expect(probe.sparkCanvases).toBeLessThan(CONVERSATIONS);
    await screenshot(page, 'supervisor-200');
    await page.close();
  });
});
