import { z } from 'zod';
import { talkSpeed } from '../domain/timing.ts';
import { defineRule } from './rule.ts';

/** The agent talks faster than a customer can follow. */
export const agentTalkSpeed = defineRule({
  id: 'agent-talk-speed',
  schema: z.object({
    /** Words per minute above which the agent talks too fast; Chinese counts characters (server/domain/timing.ts), so it has its own limit. */
    maxWordsPerMinute: z.object({ en: z.number().positive(), zh: z.number().positive() }),
    /** Agent talk time needed before the speed is judged: a few quick words are not a pace. */
    minTalkSeconds: z.number().min(0),
  }),
  create: (o) => ({ conversation, turn }) => {
    if (conversation.channel !== 'voice' || turn.speaker !== 'agent') return null;
    const { wordsPerMinute, talkMs } = talkSpeed(conversation.turns, 'agent');
    const lang = conversation.lang === 'zh' ? 'zh' : 'en';
    const limit = o.maxWordsPerMinute[lang];
    if (wordsPerMinute === null || talkMs < o.minTalkSeconds * 1000 || wordsPerMinute <= limit) return null;
    return {
      trigger: 'agent-talk-speed',
      severity: 'info',
      reason: `The agent is talking at ${wordsPerMinute} ${lang === 'zh' ? 'characters' : 'words'} a minute (above ${limit}).`,
      code: { code: lang === 'zh' ? 'alert.agentTalkSpeedChars' : 'alert.agentTalkSpeed', params: { rate: wordsPerMinute, limit } },
      evidence: [turn.turnId],
    };
  },
});
