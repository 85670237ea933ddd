import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { DueTicker } from '../../server/due-ticker.ts';
import { applyScoredTurn, endConversation, newConversation, withAlerts, type Conversation } from '../../server/domain/conversation.ts';
import type { Turn } from '../../server/domain/turn.ts';
import { promptsForFindings } from '../../server/guidance/index.ts';
import { createRules, createTimedRules, nextTimedCheckAt, runRules, runTimedRules } from '../../server/rules/index.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

const config = loadConfig(['--secret', 'x'.repeat(32)], {});
const timed = createTimedRules(config.rules);
const T0 = 1_000_000;
let ids = 0;
const newId = () => `id-${++ids}`;

function conversationOf(turns: Turn[]): Conversation {
  let c: Conversation | undefined;
  for (const t of turns) c = applyScoredTurn(c ?? newConversation(t), t, scoreOf('neutral')).conversation;
  return c!;
}

const chat = (speaker: 'customer' | 'agent', text: string, seconds: number) => turnOf(speaker, text, { conversationId: 'w', at: T0 + seconds * 1000 });
const voice = (speaker: 'customer' | 'agent', text: string, from: number, to: number, lang?: string) =>
  turnOf(speaker, text, { conversationId: 'v', channel: 'voice', at: T0 + from * 1000, endAt: T0 + to * 1000, lang });

describe('customer wait (timed)', () => {
  const c = conversationOf([chat('agent', 'Hello, how can I help?', 0), chat('customer', 'My order never arrived.', 5), chat('customer', 'Hello?', 20)]);

  it('opens a warning after 60 s of waiting, counted from the first unanswered message, then turns critical at 120 s', () => {
    expect(runTimedRules(timed, c, T0 + 64_000, newId).changed).toEqual([]);
    expect(nextTimedCheckAt(timed, c, T0 + 64_000)).toBe(T0 + 65_000);
    const opened = runTimedRules(timed, c, T0 + 66_000, newId);
    expect(opened.changed).toMatchObject([{ rule: 'customer-wait', severity: 'warning', state: 'open', reason: 'The customer has waited 61 s for a reply.' }]);
    expect(opened.changed[0]!.evidence).toEqual([c.turns[1]!.turnId]);
    const warned = withAlerts(c, opened.changed);
    expect(nextTimedCheckAt(timed, warned, T0 + 66_000)).toBe(T0 + 125_000);
    expect(runTimedRules(timed, warned, T0 + 90_000, newId).changed).toEqual([]);
    const raised = runTimedRules(timed, warned, T0 + 125_000, newId).changed;
    expect(raised).toMatchObject([{ id: opened.changed[0]!.id, severity: 'critical' }]);
    expect(nextTimedCheckAt(timed, withAlerts(warned, raised), T0 + 125_000)).toBeUndefined();
  });

  it('resolves once the agent replies, and asks for a look at once so the ticker does it', () => {
    const warned = withAlerts(c, runTimedRules(timed, c, T0 + 70_000, newId).changed);
    const replied = conversationOf([...warned.turns, chat('agent', 'Sorry for the wait, checking now.', 75)]);
    const withAlert = { ...replied, alerts: warned.alerts };
    expect(nextTimedCheckAt(timed, withAlert, T0 + 75_000)).toBe(T0 + 75_000);
    expect(runTimedRules(timed, withAlert, T0 + 76_000, newId).changed).toMatchObject([{ state: 'resolved', resolution: 'The agent replied.' }]);
  });

  it('prompts the agent from the playbook in the conversation language, with the wait in the reason', () => {
    const fresh = runTimedRules(timed, c, T0 + 95_000, newId).fresh;
    const [prompt] = promptsForFindings(config.playbook, c, fresh, T0 + 95_000, newId);
    expect(prompt).toMatchObject({ source: 'acknowledge-wait', kind: 'next-step', why: 'The customer has waited 90 s for a reply.' });
    expect(prompt!.text).toMatch(/acknowledge/);
    const [zh] = promptsForFindings(config.playbook, { ...c, lang: 'zh' }, fresh, T0 + 95_000, newId);
    expect(zh!.text).toMatch(/等待/);
  });

  it('says nothing on calls or ended chats', () => {
    expect(runTimedRules(timed, { ...c, channel: 'voice' }, T0 + 200_000, newId).changed.filter((a) => a.rule === 'customer-wait')).toEqual([]);
    expect(runTimedRules(timed, endConversation(c, T0 + 30_000), T0 + 200_000, newId).changed).toEqual([]);
    expect(nextTimedCheckAt(timed, endConversation(c, T0 + 30_000), T0 + 200_000)).toBeUndefined();
  });
});

describe('long silence (timed)', () => {
  const c = conversationOf([voice('agent', 'Let me check that for you.', 0, 3), voice('customer', 'Okay.', 4, 5)]);

  it('warns 20 s after the last utterance ended, and resolves when someone speaks', () => {
    expect(nextTimedCheckAt(timed, c, T0 + 6000)).toBe(T0 + 25_000);
    // Armed late (a restart, a turn sent long after it was said): due at once.
    expect(nextTimedCheckAt(timed, c, T0 + 40_000)).toBe(T0 + 40_000);
    expect(runTimedRules(timed, c, T0 + 24_000, newId).changed).toEqual([]);
    const opened = runTimedRules(timed, c, T0 + 27_000, newId).changed;
    expect(opened).toMatchObject([{ rule: 'long-silence', reason: 'Nobody has spoken on the call for 22 s.' }]);
    const spoke = conversationOf([...c.turns, voice('agent', 'Thanks for holding.', 28, 30)]);
    expect(runTimedRules(timed, { ...spoke, alerts: opened }, T0 + 31_000, newId).changed).toMatchObject([{ state: 'resolved', resolution: 'Someone spoke again.' }]);
  });

  it('counts a partial segment as someone speaking', () => {
    const speaking = { ...c, partials: { customer: { text: 'well I', at: T0 + 20_000 } } };
    expect(runTimedRules(timed, speaking, T0 + 27_000, newId).changed).toEqual([]);
  });
});

describe('agent interruptions and talk speed (turn rules)', () => {
  const rules = createRules(config.rules);
  const evaluate = (c: Conversation) => runRules(rules, { conversation: c, turn: c.turns.at(-1)! }, { resolveAbove: 0.2 }, T0, newId).changed;

  it('warns on the third time the agent talks over the customer, naming the turns', () => {
    const turns = [
      voice('customer', 'My broadband keeps dropping every single evening', 0, 6),
      voice('agent', 'Right, okay', 5, 7),
      voice('customer', 'and I have called three times about it already', 8, 14),
      voice('agent', 'I see', 13, 15),
    ];
    expect(evaluate(conversationOf(turns))).toEqual([]);
    const third = [...turns, voice('customer', 'so please do not tell me to restart the router', 16, 22), voice('agent', 'Have you tried', 20, 23)];
    const alerts = evaluate(conversationOf(third));
    expect(alerts).toMatchObject([{ rule: 'agent-interruptions', severity: 'warning', reason: 'The agent has talked over the customer 3 times.' }]);
    expect(alerts[0]!.evidence).toEqual([third[1]!.turnId, third[3]!.turnId, third[5]!.turnId]);
  });

  it('flags an agent speaking above the limit once they have talked 20 s, with the Chinese limit in characters', () => {
    const fast = Array.from({ length: 60 }, () => 'word').join(' ');
    expect(evaluate(conversationOf([voice('agent', fast, 0, 15)]))).toEqual([]); // 240 wpm but only 15 s
    const alerts = evaluate(conversationOf([voice('agent', fast, 0, 15), voice('agent', fast, 16, 31)]));
    expect(alerts).toMatchObject([{ rule: 'agent-talk-speed', reason: 'The agent is talking at 240 words a minute (above 180).' }]);
    // 240 Han characters a minute is a normal Chinese pace.
    const zh = '您好请问有什么可以帮您'.repeat(6);
    expect(evaluate(conversationOf([voice('agent', zh, 0, 15, 'zh'), voice('agent', zh, 16, 31, 'zh')]))).toEqual([]);
  });
});

describe('rule ticker', () => {
  it('ticks only the conversations that are due, keeps one its command left unchanged due, re-arms from the store and from published outcomes, and forgets ended ones', async () => {
    let now = T0 + 30_000;
    const ticked: string[] = [];
    let changes = false;
    const waiting = conversationOf([chat('customer', 'Is anyone there?', 10)]);
    const other = { ...conversationOf([chat('customer', 'Hi', 25)]), id: 'other' };
    const ticker = new DueTicker((c, at) => nextTimedCheckAt(timed, c, at), () => now);
    await ticker.start(async (id) => (ticked.push(id), changes), { list: async () => [waiting, other] }, 0);
    expect(ticker.armed).toBe(2);
    expect(await ticker.tick()).toEqual([]);
    now = T0 + 71_000;
    // Nothing changed: reported as unchanged, and still due on the next tick.
    expect(await ticker.tick()).toEqual([]);
    changes = true;
    expect(await ticker.tick()).toEqual(['w']);
    expect(ticked).toEqual(['w', 'w']);
    ticker.publish({ kind: 'ended', conversation: endConversation(waiting, now), expired: [] });
    expect(ticker.armed).toBe(1);
    ticker.stop();
    expect(await ticker.tick()).toEqual([]);
    expect(ticked).toEqual(['w', 'w']);
  });
});
