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

  /** `secondsAgo`, when given, times each line (else it is said now). */
  const play = async (id: string, script: Script, who: { agentId: string; customerId: string; queue: string }, secondsAgo?: number[]) => {
    for (const [i, [speaker, text]] of script.entries()) await say(rapport, id, speaker, text, who, secondsAgo && Date.now() - secondsAgo[i]! * 1000);
    await rapport.pipeline.idle();
  };

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(), launchBrowser()]);
    // Bob answers the customer after a minute and a half: past the 60 s response standard.
    await play('s-ended-1', RECOVERING, { agentId: 'bob', customerId: 'cust-e1', queue: 'billing' }, [600, 590, 500, 480]);
    await play('s-ended-2', ESCALATING, { agentId: 'alice', customerId: 'cust-e2', queue: 'broadband' });
    await play('s-ended-3', CHINESE, { agentId: 'wei', customerId: 'cust-e3', queue: 'cards' });
    for (const id of ['s-ended-1', 's-ended-2', 's-ended-3']) await rapport.ingest.end({ conversationId: id });
    await play('s-live-1', ESCALATING, { agentId: 'alice', customerId: 'cust-l1', queue: 'broadband' });
    await play('s-live-2', CHINESE, { agentId: 'wei', customerId: 'cust-l2', queue: 'cards' });
    await play('s-live-3', RECOVERING.slice(0, 2), { agentId: 'bob', customerId: 'cust-l3', queue: 'billing' });
    // A keyword contact reason (billing) whose knowledge prompt is alice's current one there.
    // The agent answers, so no waiting prompt replaces it while the other tests run.
    await play('s-live-4', [['customer', 'I was charged twice for the same order and I want a refund.'], ['agent', 'Let me look at your bill.']], { agentId: 'alice', customerId: 'cust-l4', queue: 'billing' });
    // A customer waiting for a reply for ten and a half minutes, about a reason only the intent model names.
    const waiting = await rapport.ingest.turn({ conversationId: 's-wait-1', turnId: 'sw1', speaker: 'customer', text: 'You charged me twice and nobody answers, I am furious!', channel: 'chat', at: Date.now() - 630_000, agentId: 'bob', customerId: 'cust-w1', queue: 'cards' });
    if (!waiting.ok) throw new Error(`turn refused: ${JSON.stringify(waiting)}`);
    await rapport.pipeline.idle();
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
        // The contact reason in the prompt's why is worded in the screen's language, not the conversation's.
        await page.locator('[data-testid=conversation-tab][data-id=s-live-4]').click();
        await expect.poll(() => page.getByTestId('current-prompt').innerText()).toContain(locale === 'zh' ? '账单费用' : 'Billing');
        await check(page, `agent-reason-${width}-${locale}`, locale);
        await page.close();
      });

      it(`the supervisor wall and its drawer, ${locale}, ${width} px`, async () => {
        const page = await pageFor('/supervisor', 'supervisor', 'sam', width, locale);
        await page.locator('[data-testid=tile]').nth(2).waitFor({ timeout: 20_000 });
        await page.locator('[data-testid=queue-group]').first().waitFor({ timeout: 20_000 });
        await check(page, `wall-${width}-${locale}`, locale);
        // The intent model's reason in the screen's language; a long wait in minutes and seconds, not "630 s".
        await expect.poll(() => page.locator('[data-testid=tile][data-id=s-wait-1]').innerText()).toContain(locale === 'zh' ? '交易被重复扣款' : 'Transaction charged twice');
        const waitEntry = page.locator('[data-testid=queue-group]').filter({ hasText: 'cust-w1' });
        await expect.poll(() => waitEntry.innerText()).toMatch(locale === 'zh' ? /已等待回复 1\d分钟(\d+秒)?。/ : /waited 1\d mins( \d+ secs?)? for a reply/);
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
        // A narrow column wraps its header between words, never inside one ("排/名").
        const brokenHeaders = await page.locator('[data-testid=agent-row]').first().locator('xpath=ancestor::table//thead//th').evaluateAll((ths) =>
          ths.filter((th) => !/\s/.test(th.textContent!.trim())).filter((th) => {
            const range = document.createRange();
            range.selectNodeContents(th);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
          }).map((th) => th.textContent),
        );
        expect(brokenHeaders, 'headers broken inside a word').toEqual([]);
        // Chat response times against the standard: bob replied once, after 1:30; alice's and wei's customers got no reply.
        const headers = await page.locator('thead th').allInnerTexts();
        expect(headers).toContain(locale === 'zh' ? '聊天首次响应 ⓘ' : 'Chat first response ⓘ');
        expect(headers).toContain(locale === 'zh' ? '60 秒内回复 ⓘ' : 'Replies within 60 s ⓘ');
        const bob = page.locator('[data-testid=agent-row][data-agent=bob]');
        expect(await bob.getByTestId('first-response').innerText()).toBe('1:30');
        expect(await bob.getByTestId('within-standard').innerText()).toBe('0%');
        expect(await page.locator('[data-testid=agent-row][data-agent=alice]').getByTestId('first-response').innerText()).toBe('–');
        await page.close();
      });

      it(`QA replay, samples and the feedback report, ${locale}, ${width} px`, async () => {
        const page = await pageFor('/qa', 'qa', 'quinn', width, locale);
        const rows = page.locator('[data-testid=qa-row]');
        await rows.first().waitFor({ timeout: 20_000 });
        await rows.filter({ hasText: 'cust-e2' }).getByRole('button').first().click();
        await page.locator('[data-testid=replay]').waitFor();
        await check(page, `qa-replay-${width}-${locale}`, locale);
        // The after-call summary and the chat's response figures, labelled in the screen's language.
        expect(await page.getByTestId('after-call-outcome').innerText()).toMatch(locale === 'zh' ? /^(已解决|需跟进|已升级)$/ : /^(Resolved|Follow-up needed|Escalated)$/);
        // Why, in the screen's language too, whatever the conversation's (only a quoted sentence stays as said).
        expect(await page.getByTestId('after-call-because').innerText()).toMatch(locale === 'zh' ? /^(坐席已转交|重大投诉已转交经理|坐席承诺了后续处理|客户结束时仍不满意|客户结束时满意)/u : /^(the agent|a major|the customer)/u);
        expect(await page.getByTestId('talk-figures').innerText()).toContain(locale === 'zh' ? '坐席首次响应' : 'Agent first response');
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
