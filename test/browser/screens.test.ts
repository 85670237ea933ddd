import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Speaker } from '../../server/domain/turn.ts';
import { englishWords, launchBrowser, openAs, say, screenshot, seriousViolations, startServer } from './support.ts';

/**
 * Every screen in both languages at 1920 and 420 px: a full-page screenshot into
 * test-output/screens/, no serious or critical axe-core violation, and in Chinese no English word
 * outside ids, customer text and the suggested lines of English conversations.
 */
const WIDTHS = [1920, 420] as const;
const LOCALES = ['en', 'zh'] as const;
/** Data, not interface: ids, queue names, and the brand. */
const DATA_WORDS = ['alice', 'bob', 'wei', 'sam', 'quinn', 'cust', 'billing', 'cards', 'broadband', 'Rapport', 'English', 'JSON', 'CSV', 'TSV'];

type Script = [Speaker, string][];
const ESCALATING: Script = [
  ['agent', 'Hello, you are chatting with Alice. How can I help?'],
  ['customer', "This is the third time I'm contacting you and nobody fixed it, I want to cancel. This is ridiculous."],
  ['customer', 'I will talk to my lawyer about this.'],
];
const CHINESE: Script = [
  ['agent', '您好，很高兴为您服务。'],
  ['customer', '我的宽带又断了，这已经是第三次了，太让人生气了！我要投诉。'],
];
const RECOVERING: Script = [
  ['agent', 'Hi, this is Bob, how can I help today?'],
  ['customer', 'I was charged twice and I want a refund.'],
  ['agent', 'I am sorry. I will refund the duplicate charge today, you will see it within 5 days.'],
  ['customer', 'Great, thank you so much, that is a relief!'],
];

describe('every screen, both languages, 1920 and 420 px', () => {
  let rapport: Rapport;
  let browser: Browser;

  const play = async (id: string, script: Script, who: { agentId: string; customerId: string; queue: string }) => {
    for (const [speaker, text] of script) await say(rapport, id, speaker, text, who);
    await rapport.pipeline.idle();
  };

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(), launchBrowser()]);
    await play('s-ended-1', RECOVERING, { agentId: 'bob', customerId: 'cust-e1', queue: 'billing' });
    await play('s-ended-2', ESCALATING, { agentId: 'alice', customerId: 'cust-e2', queue: 'broadband' });
    await play('s-ended-3', CHINESE, { agentId: 'wei', customerId: 'cust-e3', queue: 'cards' });
    for (const id of ['s-ended-1', 's-ended-2', 's-ended-3']) await rapport.ingest.end({ conversationId: id });
    await play('s-live-1', ESCALATING, { agentId: 'alice', customerId: 'cust-l1', queue: 'broadband' });
    await play('s-live-2', CHINESE, { agentId: 'wei', customerId: 'cust-l2', queue: 'cards' });
    await play('s-live-3', RECOVERING.slice(0, 2), { agentId: 'bob', customerId: 'cust-l3', queue: 'billing' });
  });

  afterAll(async () => {
    await browser?.close();
    await rapport?.close();
  });

  async function check(page: Page, name: string, locale: (typeof LOCALES)[number]): Promise<void> {
    await page.waitForTimeout(300); // let arrival animations settle
    await page.screenshot({ path: `test-output/screens/${name}.png`, fullPage: true });
    const violations = await seriousViolations(page);
    const english = locale === 'zh' ? await englishWords(page, DATA_WORDS) : [];
    if (violations.length || english.length) console.log(`[screens] ${name}`, JSON.stringify({ violations, english }));
    expect(violations, `${name}: axe`).toEqual([]);
    expect(english, `${name}: English in Chinese mode`).toEqual([]);
    // Nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: horizontal scroll`).toBe(true);
  }

  async function pageFor(route: string, role: 'agent' | 'supervisor' | 'qa', id: string, width: number, locale: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: width > 1000 ? 1080 : 900 }, locale: locale === 'zh' ? 'zh-CN' : 'en-GB' });
    await page.addInitScript((l) => localStorage.setItem('rapport.locale', l), locale);
    return openAs(browser, rapport, route, role, id, undefined, page);
  }

  for (const locale of LOCALES)
    for (const width of WIDTHS) {
      it(`the agent sidebar, ${locale}, ${width} px`, async () => {
        const page = await pageFor('/agent', 'agent', 'alice', width, locale);
        await page.locator('[data-testid=current-prompt]').waitFor({ timeout: 20_000 });
        await check(page, `agent-${width}-${locale}`, locale);
        await page.close();
      });

      it(`the supervisor wall and its drawer, ${locale}, ${width} px`, async () => {
        const page = await pageFor('/supervisor', 'supervisor', 'sam', width, locale);
        await page.locator('[data-testid=tile]').nth(2).waitFor({ timeout: 20_000 });
        await page.locator('[data-testid=queue-group]').first().waitFor({ timeout: 20_000 });
        await check(page, `wall-${width}-${locale}`, locale);
        await page.getByTestId('view-table').click();
        await check(page, `wall-table-${width}-${locale}`, locale);
        await page.getByTestId('view-tiles').click();
        await page.locator('[data-testid=tile][data-id=s-live-1] button').first().click();
        await page.locator('[data-testid=drawer]').waitFor();
        await check(page, `wall-drawer-${width}-${locale}`, locale);
        await page.close();
      });

      it(`team metrics, ${locale}, ${width} px`, async () => {
        const page = await pageFor('/team', 'supervisor', 'sam', width, locale);
        await page.locator('[data-testid=agent-row]').first().waitFor({ timeout: 20_000 });
        await check(page, `team-${width}-${locale}`, locale);
        await page.close();
      });

      it(`QA replay, samples and the feedback report, ${locale}, ${width} px`, async () => {
        const page = await pageFor('/qa', 'qa', 'quinn', width, locale);
        const rows = page.locator('[data-testid=qa-row]');
        await rows.first().waitFor({ timeout: 20_000 });
        await rows.filter({ hasText: 'cust-e2' }).getByRole('button').first().click();
        await page.locator('[data-testid=replay]').waitFor();
        await check(page, `qa-replay-${width}-${locale}`, locale);
        const tabs = page.locator('.tabs button');
        await tabs.nth(1).click();
        await page.locator('form').first().waitFor();
        await page.locator('form button[type=submit]').first().click();
        await page.waitForTimeout(800);
        await check(page, `qa-samples-${width}-${locale}`, locale);
        await tabs.nth(2).click();
        await page.waitForTimeout(800);
        await check(page, `qa-report-${width}-${locale}`, locale);
        await page.close();
      });
    }
});
