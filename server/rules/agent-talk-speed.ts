import { talkSpeed } from '../domain/timing.ts';
import type { Rule } from './rule.ts';

export interface AgentTalkSpeedOptions {
  /** Words per minute above which the agent talks too fast; Chinese counts characters (server/domain/timing.ts), so it has its own limit. */
  maxWordsPerMinute: { en: number; zh: number };
  /** Agent talk time needed before the speed is judged: a few quick words are not a pace. */
  minTalkSeconds: number;
}

/** The agent talks faster than a customer can follow. */
export function agentTalkSpeed(o: AgentTalkSpeedOptions): Rule {
  return {
    id: 'agent-talk-speed',
    evaluate({ conversation, turn }) {
      if (conversation.channel !== 'voice' || turn.speaker !== 'agent') return null;
      const { wordsPerMinute, talkMs } = talkSpeed(conversation.turns, 'agent');
      const limit = o.maxWordsPerMinute[conversation.lang === 'zh' ? 'zh' : 'en'];
      if (wordsPerMinute === null || talkMs < o.minTalkSeconds * 1000 || wordsPerMinute <= limit) return null;
      return {
        rule: 'agent-talk-speed',
        trigger: 'agent-talk-speed',
        severity: 'info',
        reason: `The agent is talking at ${wordsPerMinute} ${conversation.lang === 'zh' ? 'characters' : 'words'} a minute (above ${limit}).`,
        evidence: [turn.turnId],
      };
    },
  };
}
