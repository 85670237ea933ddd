import { describe, expect, it } from 'vitest';
import { applyAnalytics, createAnalytics, guessIntent } from '../../server/analytics/index.ts';
import type { Classifier } from '../../server/scoring/index.ts';
import { loadConfig } from '../../server/config.ts';
import { applyScoredTurn, endConversation, newConversation, summarize, type Conversation } from '../../server/domain/conversation.ts';
import { predictSatisfaction, satisfactionFeatures, satisfactionRaw } from '../../server/domain/satisfaction.ts';
import type { Score, Speaker, Turn } from '../../server/domain/turn.ts';
import { qualityOf } from '../../server/reports/metrics.ts';
import { postContactSummary } from '../../server/reports/post-contact.ts';
import { scoreOf, turnOf } from '../support/turns.ts';

const config = loadConfig(['--secret', 'x'.repeat(32)], {});
const analytics = createAnalytics(config);
let ids = 0;
const newId = () => `a-${++ids}`;

/** Steps applied through the analytics step, as the pipeline does. */
function run(steps: [Speaker, string, Score][], over: Partial<Turn> = {}, guess?: { label: string; confidence: number }): Conversation {
  let c: Conversation | undefined;
  steps.forEach(([speaker, text, score], i) => {
    const turn = turnOf(speaker, text, { conversationId: 'an', at: 1_000_000 + i * 10_000, ...over });
    const { conversation, scored } = applyScoredTurn(c ?? newConversation(turn), turn, score);
    c = applyAnalytics(analytics, conversation, scored, guess, turn.at, newId).conversation;
  });
  return c!;
}

describe('predicted satisfaction', () => {
  const happy = run([
    ['customer', 'My parcel has not arrived and it was due on Monday.', scoreOf('negative', 0.8)],
    ['agent', 'Sorry about that, I have rebooked it for tomorrow morning.', scoreOf('neutral')],
    ['customer', 'Great, thank you so much!', scoreOf('positive', 0.95)],
  ]);
  const unhappy = run([
    ['customer', 'My parcel has not arrived and it was due on Monday.', scoreOf('negative', 0.8)],
    ['agent', 'Please wait for another week.', scoreOf('neutral')],
    ['customer', 'Why do I have to wait another week? This is the third time! Nobody answers my emails, what is going on???', scoreOf('negative', 0.95)],
  ]);

  it('rates a customer who ends with thanks above one who ends with an angry question, on the 1-5 scale', () => {
    const h = happy.predictedSatisfaction!;
    const u = unhappy.predictedSatisfaction!;
    expect(h.Score).toBeGreaterThan(u.Score);
    expect(h.Score).toBeGreaterThan(3);
    expect(u.Score).toBeLessThan(3);
    for (const s of [h, u]) expect(s.Score).toBeGreaterThanOrEqual(1), expect(s.Score).toBeLessThanOrEqual(5);
  });

  it('computes its features from what the transcript shows', () => {
    const f = satisfactionFeatures(unhappy)!;
    expect(f.lastCustomerQuestions).toBe(4);
    expect(f.lastCustomerExclamations).toBe(1);
    expect(f.lastCustomerThanks).toBe(0);
    expect(satisfactionFeatures(happy)!.lastCustomerThanks).toBe(1);
    expect(f.customerHasLastWord).toBe(1);
    expect(f.lastCustomerValence).toBeCloseTo(-0.925, 3);
    // The model is the documented sum: intercept plus weight times standardised feature.
    const model = config.analytics.satisfactionWeights.models.en;
    expect(predictSatisfaction(unhappy, config.analytics.satisfactionWeights)!.Score).toBeCloseTo(Math.min(5, Math.max(1, satisfactionRaw(model, f) + 3)), 2);
  });

  it('has nothing to say before the customer speaks, and little confidence after one turn', () => {
    expect(run([['agent', 'Hello, how can I help?', scoreOf('neutral')]]).predictedSatisfaction).toBeUndefined();
    const one = run([['customer', 'Hello, my bill is wrong.', scoreOf('negative', 0.9)]]).predictedSatisfaction!;
    expect(one.Confidence).toBeCloseTo(0.3, 2);
    expect(happy.predictedSatisfaction!.Confidence).toBeCloseTo((0.8 + 0.95) / 2 * (2 / 3), 2);
    const short = run([['customer', 'ok', scoreOf('neutral', 0.9, { lowConfidence: true })]]).predictedSatisfaction!;
    expect(short.Confidence).toBe(0);
  });

  it('uses the Chinese weights for Chinese conversations', () => {
    const zh = run([['customer', '快递三天了还没到，怎么回事？', scoreOf('negative')], ['agent', '非常抱歉，我马上为您查询。', scoreOf('neutral')], ['customer', '好的，谢谢！', scoreOf('positive')]], { lang: 'zh' });
    const f = satisfactionFeatures(zh)!;
    const expected = satisfactionRaw(config.analytics.satisfactionWeights.models.zh!, f) + 3;
    expect(zh.predictedSatisfaction!.Score).toBeCloseTo(Math.min(5, Math.max(1, expected)), 2);
  });

  it('is on the wall tile live and in the post-contact summary at the end', () => {
    expect(summarize(happy, 2_000_000).predictedSatisfaction).toEqual(happy.predictedSatisfaction);
    const s = postContactSummary(endConversation(happy, 2_000_000), 2_000_000);
    expect(s.ConversationCharacteristics.PredictedSatisfaction).toEqual(happy.predictedSatisfaction);
  });
});

describe('recovery and service star with the estimate', () => {
  const metrics = config.quality.metrics;

  it('reads "ended satisfied" from the estimate where there is one, from the end mood otherwise', () => {
    const c = run([
      ['customer', 'This is awful, my broadband has been down for days.', scoreOf('negative', 0.9)],
      ['agent', 'I have fixed the line fault; it is back now.', scoreOf('positive')],
      ['customer', 'Ok it works now, thanks.', scoreOf('positive', 0.6)],
    ]);
    const s = summarize(c, 0);
    expect(s.startSentiment!).toBeLessThan(-0.2);
    expect(s.endSentiment!).toBeLessThanOrEqual(0.2);
    expect(c.predictedSatisfaction!.Score).toBeGreaterThanOrEqual(3.5);
    expect(s.recovered).toBe(true);
    expect(summarize({ ...c, predictedSatisfaction: undefined }, 0).recovered).toBe(false);
    expect(summarize({ ...c, predictedSatisfaction: { Score: 3.2, Confidence: 0.8 } }, 0).recovered).toBe(false);
  });

  it('puts the estimate in the star\'s end term in place of the end mood', () => {
    const w = metrics.star.weights;
    const byMood = qualityOf(metrics, -0.5, 0.5, null)!;
    expect(byMood).toBeCloseTo((w.endMood * 0.75 + w.moodChange * 1) / (w.endMood + w.moodChange), 6);
    const bySatisfaction = qualityOf(metrics, -0.5, 0.5, null, 2)!;
    expect(bySatisfaction).toBeCloseTo((w.endMood * 0.25 + w.moodChange * 1) / (w.endMood + w.moodChange), 6);
  });
});

describe('contact reason', () => {
  it('is the first keyword reason in the customer turns, in English and Chinese, and stays settled', () => {
    const en = run([
      ['agent', 'Hello, how can I help?', scoreOf('neutral')],
      ['customer', 'I was charged twice on my last bill.', scoreOf('negative')],
      ['customer', 'Also my parcel never arrived.', scoreOf('negative')],
    ]);
    expect(en.contactReason).toMatchObject({ id: 'billing', label: 'Billing', source: 'keywords', confidence: 1, evidence: 'bill' });
    const zh = run([['customer', '我家宽带又掉线了，一直断网。', scoreOf('negative')]], { lang: 'zh' });
    expect(zh.contactReason).toMatchObject({ id: 'outage', label: '网络故障', source: 'keywords' });
    expect(summarize(zh, 0).contactReason?.id).toBe('outage');
  });

  it('prompts the knowledge line of the reason, once', () => {
    const c = run([['customer', 'My internet keeps dropping every evening.', scoreOf('negative')], ['customer', 'It keeps dropping again.', scoreOf('negative')]]);
    const knowledge = c.prompts.filter((p) => p.source === 'knowledge-outage');
    expect(knowledge).toHaveLength(1);
    expect(knowledge[0]).toMatchObject({ why: 'The customer is contacting about: Service outage.', kind: 'next-step' });
  });

  it('takes a confident intent-model guess when no keyword matches, and only from the first customer turns', () => {
    const guessed = run([['customer', 'When will my new card arrive?', scoreOf('neutral')]], {}, { label: 'card_arrival', confidence: 0.82 });
    expect(guessed.contactReason).toMatchObject({ id: 'card_arrival', label: 'card arrival', source: 'model', confidence: 0.82 });
    expect(run([['customer', 'When will my new card arrive?', scoreOf('neutral')]], {}, { label: 'card_arrival', confidence: 0.3 }).contactReason).toBeUndefined();
    const late = run(
      [['customer', 'Hi there.', scoreOf('neutral')], ['customer', 'Hello?', scoreOf('neutral')], ['customer', 'I want a refund.', scoreOf('negative')]],
    );
    expect(late.contactReason).toBeUndefined();
  });
});

describe('intent model calls', () => {
  const asked: string[] = [];
  const intents: Classifier = {
    id: 'fake-intents',
    labels: ['card_arrival', 'lost_or_stolen_card'],
    temperature: 1,
    async classify(texts) {
      asked.push(...texts);
      return texts.map(() => ({ card_arrival: 0.8, lost_or_stolen_card: 0.2 }));
    },
    async dispose() {},
  };
  const withModel = createAnalytics(config, intents);

  it('asks the model only about open, English, keyword-less customer turns', async () => {
    const turn = (speaker: Speaker, text: string) => turnOf(speaker, text, { conversationId: 'g' });
    expect(await guessIntent(withModel, undefined, turn('customer', 'When will my new card arrive?'))).toEqual({ label: 'card_arrival', confidence: 0.8 });
    expect(await guessIntent(withModel, undefined, turn('agent', 'When will your card arrive?'))).toBeUndefined();
    expect(await guessIntent(withModel, undefined, turn('customer', 'I need a refund for this.'))).toBeUndefined();
    expect(await guessIntent(withModel, undefined, turn('customer', '我的新卡什么时候到？'))).toBeUndefined();
    const settled = run([['customer', 'My bill is wrong.', scoreOf('negative')]]);
    expect(await guessIntent(withModel, settled, turn('customer', 'When will my new card arrive?'))).toBeUndefined();
    expect(await guessIntent(analytics, undefined, turn('customer', 'When will my new card arrive?'))).toBeUndefined();
    expect(asked).toEqual(['When will my new card arrive?']);
  });
});
