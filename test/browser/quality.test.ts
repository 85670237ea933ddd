import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Speaker } from '../../server/domain/turn.ts';
import { launchBrowser, openAs, say, screenshot, startServer } from './support.ts';

/**
 * Service quality in the browser: the supervisor's agent metrics, QA sampling and scorecards, and
 * one-click feedback on prompts and alerts feeding the QA report. Negative turns use escalation
 * phrases ("I want to cancel", "my lawyer") so alerts and prompts fire whatever the model makes of them.
 */
describe('service quality in a browser', () => {
  let rapport: Rapport;
  let browser: Browser;

  const who = (agentId: string, customerId: string, queue = 'billing') => ({ agentId, customerId, queue });
  async function conversation(id: string, w: ReturnType<typeof who>, script: [Speaker, string][], end = true): Promise<void> {
    for (const [speaker, text] of script) await say(rapport, id, speaker, text, w);
    await rapport.pipeline.idle();
    if (end) await rapport.ingest.end({ conversationId: id });
  }
  const happy: [Speaker, string][] = [
    ['agent', 'Hello, thank you for calling, this is your agent. How can I help?'],
    ['customer', 'Hi, I just want to check my balance please.'],
    ['agent', 'Of course, your balance is 40 pounds. Thank you for calling, goodbye.'],
    ['customer', 'Great, thanks so much, that is perfect!'],
  ];
  const recovers: [Speaker, string][] = [
    ['agent', 'Hello, thank you for calling, this is your agent. How can I help?'],
    ['customer', 'I was charged twice and I want a refund. This is the second time this happened!'],
    ['agent', "I'm sorry about that. I have reversed the duplicate charge now. Thank you for calling, goodbye."],
    ['customer', 'Oh great, thank you so much, that is a relief!'],
  ];
  const angry: [Speaker, string][] = [
    ['agent', 'Hello, thank you for calling. How can I help?'],
    ['customer', 'You charged me twice again, this is a disgrace. I want to cancel my account.'],
    ['agent', 'I am sorry. I will refund the charge by 5 pm today.'],
    ['customer', 'This is still terrible service, I want to cancel.'],
  ];

  beforeAll(async () => {
    [rapport, browser] = await Promise.all([startServer(), launchBrowser()]);
    // Ended conversations for three agents: alice calms customers down, bob does not, wei in between.
    await conversation('q-a1', who('alice', 'c-a1'), happy);
    await conversation('q-a2', who('alice', 'c-a2'), recovers);
    await conversation('q-b1', who('bob', 'c-b1'), angry);
    await conversation('q-b2', who('bob', 'c-b2'), angry);
    await conversation('q-w1', who('wei', 'c-w1', 'cards'), happy);
    await conversation('q-w2', who('wei', 'c-w2', 'cards'), angry);
    // A customer getting angrier with every contact: a churn risk.
    await conversation('q-c1', who('wei', 'c-churn', 'cards'), [['customer', 'Thanks, the new card arrived, all good.']]);
    await conversation('q-c2', who('wei', 'c-churn', 'cards'), [['customer', 'The card is blocked again, this is annoying and frustrating.']]);
    await conversation('q-c3', who('wei', 'c-churn', 'cards'), [['customer', 'This is the worst service ever, I am furious, I want to cancel everything.']]);
  });

  afterAll(async () => {
    await browser?.close();
    await rapport?.close();
  });

  it('lets the supervisor judge an alert, see the complaint grade, and open agents ranked by service star', async () => {
    // One live, escalating conversation so the wall has an alert and a graded complaint.
    await conversation(
      'q-live',
      who('bob', 'c-live'),
      [
        ['customer', 'You charged me twice, this is a disgrace. I want to cancel and I am going to complain.'],
        ['customer', 'This is unacceptable, I will talk to my lawyer and take you to court.'],
      ],
      false,
    );
    const wall = await openAs(browser, rapport, '/supervisor', 'supervisor', 'sam', { width: 1400, height: 860 });
    const group = wall.locator('[data-testid=queue-group]').first();
    await group.waitFor({ timeout: 15_000 });
    await group.getByRole('button', { name: 'Details' }).click();
    const alert = group.locator('[data-testid=queue-alert]').first();
    await alert.waitFor();
    const alertId = await alert.getAttribute('data-alert-id');
    await alert.getByRole('button', { name: 'Wrong' }).click();
    await alert.locator('[data-testid=feedback-alert][data-verdict=wrong]').waitFor();
    await expect.poll(async () => (await rapport.store.get('q-live'))?.feedback?.find((f) => f.targetId === alertId)?.verdict).toBe('wrong');
    await wall.locator('[data-testid=tile][data-id=q-live] [data-testid=complaint][data-grade=major]').waitFor({ timeout: 10_000 });
    await screenshot(wall, 'quality-wall');
    await wall.locator('[data-testid=tile][data-id=q-live]').click();
    await wall.locator('[data-testid=drawer] [data-testid=complaint][data-grade=major]').waitFor();
    await screenshot(wall, 'quality-drawer');
    await wall.keyboard.press('Escape');

    await wall.getByTestId('metrics-link').click();
    await wall.waitForURL(/\/team$/);
    const rows = wall.locator('[data-testid=agent-row]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const ranked = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({ agent: tr.getAttribute('data-agent'), rank: Number(tr.getAttribute('data-rank')), stars: Number(tr.querySelector('[data-stars]')?.getAttribute('data-stars')) })),
    );
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
    for (const r of ranked) {
      expect(r.stars).toBeGreaterThanOrEqual(1);
      expect(r.stars).toBeLessThanOrEqual(5);
    }
    expect([...ranked].sort((a, b) => b.stars - a.stars).map((r) => r.stars)).toEqual(ranked.map((r) => r.stars));
    // The customer who stayed calm ranks their agent above the one whose customers wanted to cancel.
    expect(ranked.findIndex((r) => r.agent === 'alice')).toBeLessThan(ranked.findIndex((r) => r.agent === 'bob'));
    await wall.getByRole('img', { name: /of 5 stars/ }).first().waitFor();
    // The chart shows each agent's star and recovery on their own scales, in words too; the star is explained without a formula.
    expect(await wall.locator('[data-testid=star-chart] [data-testid=chart-row]').count()).toBe(3);
    expect(await wall.getByTestId('formula').innerText()).not.toMatch(/=|teamMean/);
    await wall.waitForTimeout(200);
    await screenshot(wall, 'quality-metrics');
    await wall.getByRole('button', { name: 'Switch the interface to Chinese' }).click();
    await wall.getByRole('heading', { name: '坐席服务指标' }).waitFor();
    await screenshot(wall, 'quality-metrics-zh');
    await wall.close();
  });

  it('lets QA draw a sample, score a conversation, and see it in the rollup', async () => {
    const page = await openAs(browser, rapport, '/qa', 'qa', 'quinn', { width: 1400, height: 900 });
    await page.getByRole('button', { name: 'Sample & scorecards' }).click();
    await page.getByLabel('Seed (optional)').fill('week-1');
    await page.getByRole('button', { name: 'Draw sample' }).click();
    await page.locator('[data-testid=stratum]').first().waitFor();
    expect(await page.getByTestId('sample-summary').innerText()).toMatch(/Seed week-1: 9 of 9 conversations/);

    const bobsFirst = page.locator('[data-testid=stratum][data-agent=bob] [data-testid=sampled]').first();
    const conversationId = (await bobsFirst.getAttribute('data-id'))!;
    await bobsFirst.click();
    const card = page.locator(`[data-testid=scorecard][data-conversation="${conversationId}"]`);
    await card.waitFor();
    // Auto-filled criteria are marked; "Accurate information" is QA's to score.
    await card.locator('[data-criterion=greeting]').getByText('auto').waitFor();
    await card.getByLabel('Score for Accurate information').fill('2');
    await card.getByLabel('Note for Accurate information').fill('Refund promised, but the double charge was not explained.');
    await card.getByLabel('Comment').fill('Owned the problem; explain the cause next time.');
    await card.getByLabel('Status').selectOption('final');
    await card.getByRole('button', { name: 'Save scorecard' }).click();
    await card.getByText('Saved').waitFor();
    await card.locator('[data-criterion=accuracy]').getByText('QA').waitFor();

    const row = page.locator('[data-testid=rollup-row][data-agent=bob]');
    await expect.poll(() => row.getByTestId('rollup-final').innerText()).toBe('1');
    expect(await row.locator('[data-criterion=accuracy]').innerText()).toBe('2.0');
    const saved = (await rapport.store.get(conversationId))?.scorecard;
    expect(saved?.status).toBe('final');
    expect(saved?.criteria.find((c) => c.id === 'accuracy')).toMatchObject({ score: 2, source: 'qa' });
    expect(saved?.criteria.every((c) => c.score === null || (Number.isInteger(c.score) && c.score <= saved.scale))).toBe(true);
    await screenshot(page, 'quality-qa-scorecard');
    await page.close();
  });

  it('lets an agent mark a prompt helpful, and the QA feedback report counts it', async () => {
    const agent = await openAs(browser, rapport, '/agent', 'agent', 'alice', { width: 400, height: 900 });
    await agent.locator('[data-testid=link-state][data-state=online]').waitFor();
    await say(rapport, 'q-fb', 'agent', 'Hello, you are chatting with Alice. How can I help?', who('alice', 'c-fb'));
    await say(rapport, 'q-fb', 'customer', "This is the third time I'm contacting you and nobody fixed it, I want to cancel.", who('alice', 'c-fb'));
    const prompt = agent.locator('[data-testid=current-prompt]');
    await prompt.waitFor({ timeout: 20_000 });
    const promptId = await prompt.getAttribute('data-prompt-id');
    await prompt.getByRole('button', { name: 'Helpful' }).click();
    await prompt.locator('[data-testid=feedback-prompt][data-verdict=helpful]').waitFor();
    await expect
      .poll(async () => (await rapport.store.get('q-fb'))?.feedback?.find((f) => f.targetId === promptId))
      .toMatchObject({ target: 'prompt', verdict: 'helpful', by: 'alice' });
    await agent.waitForTimeout(300);
    await screenshot(agent, 'quality-agent-feedback');
    await agent.close();

    const source = (await rapport.store.get('q-fb'))!.prompts.find((p) => p.id === promptId)!.source;
    const qa = await openAs(browser, rapport, '/qa', 'qa', 'quinn', { width: 1400, height: 900 });
    await qa.getByRole('button', { name: 'Feedback report' }).click();
    const promptRow = qa.locator(`[data-testid=prompt-row][data-source="${source}"]`);
    await promptRow.waitFor();
    expect(await promptRow.getByTestId('helpful').innerText()).toBe('1');
    const ruleRow = qa.locator(`[data-testid=rule-row][data-target=prompt][data-rule="${source}"]`);
    expect(await ruleRow.getByTestId('helpful').innerText()).toBe('1');
    // The supervisor's "wrong" on the alert in the first test shows as a rule with precision 0 %.
    await qa.locator('[data-testid=rule-row][data-target=alert]').first().getByText('0%').waitFor();
    await screenshot(qa, 'quality-feedback-report');

    // Alerts and prompts can also be judged in the replay.
    await qa.getByRole('button', { name: 'Replay' }).click();
    await qa.locator('[data-testid=qa-row][data-id=q-b1]').getByRole('button').click();
    const replayPrompt = qa.locator('[data-testid=replay] [data-testid=feedback-prompt]').first();
    await replayPrompt.getByRole('button', { name: 'Wrong' }).click();
    await replayPrompt.and(qa.locator('[data-verdict=wrong]')).waitFor();
    await expect.poll(async () => (await rapport.store.get('q-b1'))?.feedback?.some((f) => f.target === 'prompt' && f.verdict === 'wrong' && f.by === 'quinn')).toBe(true);
    await screenshot(qa, 'quality-qa-replay');
    await qa.close();
  });
});
