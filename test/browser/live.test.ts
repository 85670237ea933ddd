import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import { launchBrowser, openAs, say, screenshot, startServer } from './support.ts';

/** The live screens end to end: agent prompts, the supervisor wall, acknowledgement reaching the agent, sign-in refusals. */
describe('live screens in a browser', () => {
  let rapport: Rapport;
  let browser: Browser;
  const alice = { agentId: 'alice', customerId: 'cust-a1', queue: 'broadband' };
  const bob = { agentId: 'bob', customerId: 'cust-b1', queue: 'billing' };
  const wei = { agentId: 'wei', customerId: 'cust-w1', queue: 'cards' };

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await rapport?.close();
  });

  const promptOf = async (conversationId: string) => (await rapport.store.get(conversationId))?.prompts ?? [];

  it('shows the agent a prompt after a negative customer turn, and records "used"', async () => {
    const page = await openAs(browser, rapport, '/agent', 'agent', 'alice', { width: 400, height: 900 });
    await page.locator('[data-testid=link-state][data-state=online]').waitFor();
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);

    await say(rapport, 'live-a', 'agent', 'Hello, you are chatting with Alice. How can I help?', alice);
    await say(rapport, 'live-a', 'customer', "This is the third time I'm contacting you and nobody fixed it, I want to cancel. This is ridiculous.", alice);
    const prompt = page.locator('[data-testid=current-prompt]');
    await prompt.waitFor({ timeout: 20_000 });
    expect(await prompt.innerText()).toMatch(/Why:/);
    await page.waitForTimeout(400); // let the arrival animation finish before the screenshot
    await screenshot(page, 'agent');

    // The keyboard shortcut records the feedback on the server.
    const shownId = await prompt.getAttribute('data-prompt-id');
    await page.keyboard.press('u');
    await expect.poll(async () => (await promptOf('live-a')).find((p) => p.id === shownId)?.feedback).toBe('used');

    // A server-side disconnect: the sidebar reconnects by itself and keeps what it had.
    rapport.io.of('/agent').disconnectSockets();
    await page.locator('[data-testid=link-state][data-state=online]').waitFor();
    await page.locator('details.earlier').waitFor();
    await page.close();
  });

  it('lets the supervisor see a tile rise, acknowledge, assign and whisper, and the agent sees it', async () => {
    // Two calm conversations, then bob's, also calm: ties rank by start, so bob's tile starts last.
    await rapport.ingest.end({ conversationId: 'live-a' });
    await say(rapport, 'live-w', 'customer', 'Thanks, that is great, all sorted.', wei);
    await say(rapport, 'live-a2', 'customer', 'Wonderful, thank you so much for the quick help!', alice);
    await say(rapport, 'live-b', 'customer', 'Hi! Thanks so much, the new plan is great.', bob);
    await rapport.pipeline.idle();

    const agent = await openAs(browser, rapport, '/agent', 'agent', 'bob', { width: 400, height: 900 });
    const wall = await openAs(browser, rapport, '/supervisor', 'supervisor', 'sam', { width: 1400, height: 900 });
    const tile = (id: string) => wall.locator(`[data-testid=tile][data-id="${id}"]`);
    await tile('live-b').waitFor();
    const rankOf = () => wall.locator('[data-testid=tile]').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-id')).indexOf('live-b'));
    const rankBefore = await rankOf();
    const riskBefore = Number(await tile('live-b').getAttribute('data-risk'));

    await say(rapport, 'live-b', 'customer', 'You charged me twice, this is a disgrace. I want a refund and I am going to complain.', bob);
    await say(rapport, 'live-b', 'customer', 'This is unacceptable, I will talk to my lawyer and take you to court.', bob);
    await say(rapport, 'live-b', 'customer', 'Terrible, awful service. I am furious.', bob);
    await expect.poll(async () => Number(await tile('live-b').getAttribute('data-risk')), { timeout: 20_000 }).toBeGreaterThan(riskBefore);
    // A risk that rose meaningfully re-ranks the tile at once: the conversation that needs help moves to the top.
    expect(rankBefore).toBeGreaterThan(0);
    await expect.poll(rankOf, { timeout: 10_000 }).toBe(0);

    const group = wall.locator('[data-testid=queue-group]').filter({ hasText: 'cust-b1' });
    await group.waitFor();
    expect(Number(await group.getAttribute('data-open'))).toBeGreaterThan(0);
    await tile('live-b').click();
    await wall.locator('[data-testid=drawer]').getByText('take you to court').waitFor();
    // The drawer sits beside the queue, not over it.
    const drawerBox = (await wall.locator('[data-testid=drawer]').boundingBox())!;
    const queueBox = (await wall.locator('.queue').boundingBox())!;
    expect(drawerBox.x + drawerBox.width).toBeLessThanOrEqual(queueBox.x + 1);
    await screenshot(wall, 'supervisor');
    await wall.keyboard.press('Escape');

    // `A` with no queue entry focused does nothing; with the entry focused, it acknowledges that entry.
    await wall.locator('h1').click();
    await wall.keyboard.press('a');
    await wall.waitForTimeout(300);
    expect((await rapport.store.get('live-b'))?.alerts.some((a) => a.state === 'open')).toBe(true);
    await group.getByRole('button', { name: 'Details' }).focus();
    await wall.keyboard.press('a');
    await wall.locator('[data-testid=queue-group][data-open="0"]').filter({ hasText: 'cust-b1' }).waitFor();
    await agent.getByText('sam is on it').first().waitFor();

    // Assign picks from the supervisors on the wall, and the assignee is told.
    const lee = await openAs(browser, rapport, '/supervisor', 'supervisor', 'lee', { width: 1400, height: 900 });
    await lee.locator('[data-testid=link-state][data-state=online]').waitFor();
    await group.getByRole('button', { name: 'Details' }).click();
    const assignTo = group.getByTestId('assign-to');
    await assignTo.locator('option[value=lee]').waitFor({ state: 'attached' });
    expect(await assignTo.locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['lee', 'sam']));
    await assignTo.selectOption('lee');
    await group.getByRole('button', { name: 'Assign', exact: true }).click();
    await group.getByText('assigned to lee').waitFor();
    await lee.locator('[data-testid=assigned-to-me]').getByText('sam assigned you an alert').waitFor();
    expect((await rapport.store.get('live-b'))?.alerts.every((a) => a.state === 'resolved' || a.assignedTo === 'lee')).toBe(true);
    await lee.close();

    await group.getByRole('button', { name: 'Whisper' }).click();
    await group.getByPlaceholder('A private note to the agent').fill('Offer the goodwill credit now.');
    await group.getByRole('button', { name: 'Send' }).click();
    await agent.getByText('Offer the goodwill credit now.').waitFor();
    await screenshot(wall, 'supervisor-acknowledged');
    await screenshot(agent, 'agent-acknowledged');

    // The language switch changes interface strings and is remembered.
    await wall.getByRole('button', { name: 'Switch the interface to Chinese' }).click();
    await wall.getByText('告警队列').waitFor();
    await wall.reload();
    await wall.getByText('告警队列').waitFor();
    await screenshot(wall, 'supervisor-zh');
    await Promise.all([agent.close(), wall.close()]);
  });

  it('resyncs the wall after a fresh reconnect: the open drawer stays live, an alert acknowledged meanwhile is not left open', async () => {
    const rita = { agentId: 'rita', customerId: 'cust-r1', queue: 'billing' };
    await say(rapport, 'live-r', 'customer', 'I want to cancel my subscription, this is a disgrace.', rita);
    await rapport.pipeline.idle();
    const alertId = (await rapport.store.get('live-r'))!.alerts[0]!.id;
    const wall = await openAs(browser, rapport, '/supervisor', 'supervisor', 'sam', { width: 1400, height: 900 });
    // The queue has one entry per conversation; its details list each alert with its state.
    const group = wall.locator('[data-testid=queue-group][data-conversation-id="live-r"]');
    await group.getByRole('button', { name: 'Details' }).click();
    await wall.locator(`[data-alert-id="${alertId}"][data-state=open]`).waitFor();
    await wall.locator('[data-testid=tile][data-id="live-r"]').click();
    await wall.locator('[data-testid=drawer]').getByText('cancel my subscription').waitFor();

    // The server ends the session (as a process that died would); the client comes back with a fresh one.
    rapport.io.of('/supervisor').disconnectSockets();
    await rapport.commands.acknowledgeAlert(alertId, 'Lee');
    await wall.locator(`[data-alert-id="${alertId}"][data-state=acknowledged]`).waitFor({ timeout: 10_000 });
    await say(rapport, 'live-r', 'customer', 'Still waiting for anyone to answer me.', rita);
    await wall.locator('[data-testid=drawer]').getByText('Still waiting for anyone').waitFor({ timeout: 10_000 });
    await wall.close();
  });

  it('expires a stale prompt, copies a used line, shows the transcript and stays on an ended conversation', async () => {
    const carol = { agentId: 'carol', customerId: 'cust-c1', queue: 'broadband' };
    const page = await openAs(browser, rapport, '/agent', 'agent', 'carol', { width: 420, height: 900 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rapport.url });
    await page.locator('[data-testid=link-state][data-state=online]').waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { used: unknown[] };
      w.used = [];
      window.addEventListener('rapport:prompt-used', (e) => w.used.push((e as CustomEvent).detail));
    });

    await say(rapport, 'live-c', 'customer', 'I want to cancel, this is useless.', carol);
    const prompt = page.locator('[data-testid=current-prompt]');
    await prompt.waitFor({ timeout: 20_000 });
    const firstId = await prompt.getAttribute('data-prompt-id');
    await say(rapport, 'live-c', 'customer', 'I will talk to my lawyer about this.', carol);
    await expect.poll(() => prompt.getAttribute('data-prompt-id'), { timeout: 20_000 }).not.toBe(firstId);
    expect((await promptOf('live-c')).find((p) => p.id === firstId)?.expiry).toBe('superseded');
    await page.locator('details.earlier summary').click();
    await page.locator('[data-testid=expired][data-expiry=superseded]').first().waitFor();
    // Dismissing the newest brings back nothing stale.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByText('No suggestion right now.').waitFor();

    await say(rapport, 'live-c', 'customer', 'I am really angry, this is terrible.', carol);
    await prompt.waitFor({ timeout: 20_000 });
    const text = (await prompt.locator('.text').innerText()).trim();
    await page.getByRole('button', { name: 'Use' }).click();
    await page.getByText('Copied to the clipboard').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    expect(await page.evaluate(() => (window as unknown as { used: { text: string }[] }).used.map((u) => u.text))).toEqual([text]);

    await page.locator('[data-testid=agent-transcript]').getByText('I am really angry').waitFor();
    // A second conversation starts; ending the shown one keeps it shown until the agent closes it.
    await say(rapport, 'live-c2', 'customer', 'Hello, quick question about my bill.', { ...carol, customerId: 'cust-c2' });
    await page.locator('[data-testid=conversation-tab][data-id=live-c2]').waitFor();
    await say(rapport, 'live-c', 'customer', 'I might as well give up.', carol);
    await rapport.pipeline.idle();
    const shownPrompt = await promptOf('live-c');
    await rapport.ingest.end({ conversationId: 'live-c' });
    await page.locator('[data-testid=leave]').waitFor();
    expect(await page.locator('#mood-h').innerText()).toContain('cust-c1');
    expect((await promptOf('live-c')).filter((p) => p.kind !== 'whisper').every((p) => p.feedback || p.expiry)).toBe(true);
    expect(shownPrompt.length).toBeGreaterThan(0);
    await page.getByText('No suggestion right now.').waitFor();
    await screenshot(page, 'agent-ended-420-en');
    await page.locator('[data-testid=leave]').click();
    await expect.poll(async () => page.locator('#mood-h').innerText()).toContain('cust-c2');
    await page.close();
  });

  it('refuses an agent token on the wall, a bad or expired link, and another agent’s conversation', async () => {
    const onWall = await openAs(browser, rapport, '/supervisor', 'agent', 'alice');
    await onWall.getByText('Agents cannot open the supervisor wall.').waitFor();
    await screenshot(onWall, 'signin-refused');

    const status = await onWall.evaluate(async () => {
      const token = sessionStorage.getItem('rapport.token');
      const res = await fetch('/api/conversations/live-b', { headers: { authorization: `Bearer ${token}` } });
      return res.status;
    });
    expect(status).toBe(403);
    await onWall.close();

    const bad = await browser.newPage();
    await bad.goto(`${rapport.url}/agent?token=not-a-token`);
    await bad.getByText('This sign-in link is not valid.').waitFor();

    const expired = await rapport.tokens.issue({ id: 'alice', role: 'agent' }, '-1m');
    await bad.goto(`${rapport.url}/agent?token=${expired}`);
    await bad.getByText('Your sign-in has expired.').waitFor();
    await bad.close();
  });
});
