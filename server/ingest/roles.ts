import type { Speaker } from '../domain/turn.ts';

/**
 * Who is the agent? For transcripts that do not say (mono recordings, plain chat logs), roles are
 * inferred from what people say: agents greet with the company's name, ask for account details,
 * apologise and promise next steps; customers talk about "my" account, what they want and why.
 */

/** Phrases typical of an agent, by what they show. */
const AGENT_PHRASES = {
  greeting: [
    'thank you for calling', 'thanks for calling', 'thank you for contacting', 'thanks for contacting', 'how can i help', 'how may i help',
    'how can i assist', 'how may i assist', 'what can i do for you', 'you are chatting with', "you're chatting with", 'you are speaking with',
    "you're speaking with", 'speaking, how', 'welcome to', '感谢您的来电', '很高兴为您服务', '有什么可以帮您',
  ],
  verification: [
    'account number', 'date of birth', 'postcode', 'zip code', 'could you confirm', 'can you confirm', 'can i take your', 'could i take your',
    'can i have your', 'could i have your', 'may i have your', 'for security', 'verify your', 'last four digits', 'order number', '请您提供', '订单号',
  ],
  apology: [
    "i'm sorry", 'i am sorry', 'i apologise', 'i apologize', 'sorry for the inconvenience', 'sorry to hear', 'i understand how',
    'i completely understand', 'i understand your', '抱歉', '理解您的心情',
  ],
  nextStep: [
    'i will', "i'll", 'i have booked', "i've booked", 'i have escalated', "i've escalated", 'i have reversed', "i've reversed", 'let me check',
    'let me look', 'i can see', 'please hold', 'bear with me', 'within', 'by tomorrow', 'call you back', 'send you', 'email you', '为您', '我会',
  ],
  closing: [
    'anything else', 'is there anything', 'have a great day', 'have a nice day', 'have a good day', "you're welcome", 'you are welcome',
    'my pleasure', 'to summarise', 'to summarize', '还有其他', '不客气',
  ],
  /** An agent steering a conversation asks what the customer wants: the recommender-style "system" turns of service dialogues. */
  elicitation: [
    'would you like', 'do you like', 'have you seen', 'have you watched', 'what kind of', 'what type of', 'what sort of', 'i recommend',
    'i would recommend', 'i suggest', 'you might like', 'you may like', 'you might enjoy', 'tell me more', 'can you say a little more',
    'what is it about', 'what do you like', 'how about', 'what about', 'you should', 'do you prefer',
  ],
} as const;

const CUSTOMER_PHRASES = [
  'i want', 'i need', 'i would like', "i'd like", 'my account', 'my bill', 'my card', 'my order', 'my internet', 'my phone', 'my money',
  'i was charged', 'charged twice', 'refund', 'cancel', 'manager', 'supervisor', 'complaint', 'nobody', 'ridiculous', "i'm looking for",
  'i am looking for', 'looking for', 'i like', 'i love', 'i liked', 'i loved', "i haven't", 'i have not', "i've seen", 'i have seen',
  'my favorite', 'my favourite', 'i enjoy', 'i enjoyed', "i don't like", 'i hate', 'i watched', 'sounds good', 'sounds great', "i'll check",
  'i will check', 'thanks for the', 'thank you for the', 'it ends in', '我的', '我要', '投诉', '退款', '你们',
];

/** Words that read as ASCII word boundaries, or CJK phrases matched as written. */
function matcher(phrases: readonly string[]): RegExp {
  const escaped = phrases.map((p) => p.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'));
  return new RegExp(`(?<![\\p{L}'])(?:${escaped.join('|')})(?![\\p{L}'])`, 'giu');
}

const AGENT = matcher(Object.values(AGENT_PHRASES).flat());
const CUSTOMER = matcher(CUSTOMER_PHRASES);
const ROLE_NAMES: Record<string, Speaker> = Object.fromEntries([
  ...['agent', 'operator', 'rep', 'representative', 'advisor', 'adviser', 'staff', 'support', 'system', 'assistant'].map((n) => [n, 'agent'] as const),
  ...['customer', 'caller', 'client', 'visitor', 'user', 'guest', 'contact'].map((n) => [n, 'customer'] as const),
]);

const count = (re: RegExp, text: string) => text.match(re)?.length ?? 0;

/** The other role: what swapping roles does to each turn. */
export const OTHER_ROLE: Record<Speaker, Speaker> = { agent: 'customer', customer: 'agent' };

/** Evidence that one utterance is the agent's (> 0) or the customer's (< 0). */
function agentEvidence(text: string, position: number): number {
  const lower = text.toLowerCase();
  const you = count(/\byou(?:r|rs|'re|'ll|'ve)?\b/gu, lower);
  const me = count(/\b(?:i|me|my|mine|i'm|i've|i'd)\b/gu, lower);
  const pronouns = Math.max(-1, Math.min(1, (you - me) / 4));
  // Contact-center contacts open with the agent's greeting.
  const opening = position === 0 ? 0.5 : 0;
  return count(AGENT, lower) - count(CUSTOMER, lower) + 0.5 * pronouns + opening;
}

export interface RoleInference {
  speakers: Speaker[];
  /** How sure, 0.5 (a coin flip) to 1. */
  confidence: number;
  /** "parties": by who spoke (names known, roles not); "turns": each turn on its own (no names at all). */
  method: 'party-names' | 'parties' | 'turns';
  /** The party taken for the agent, when parties are known. */
  agentParty?: string;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Judged turn by turn, even a transcript full of evidence was about 90% right at best (USS CCPE). */
const TURN_BY_TURN_CEILING = 0.9;

/**
 * Roles for turns the format gave no roles: by party where the format names who spoke (the party whose
 * turns read most like an agent's is the agent, everyone else a customer), else turn by turn, a turn
 * without evidence taking the opposite role of the one before it.
 */
export function inferRoles(turns: readonly { party?: string; text: string }[]): RoleInference {
  const parties = [...new Set(turns.map((t) => t.party))];
  if (parties.length > 0 && parties.every((p): p is string => p !== undefined)) {
    const named = parties.map((p) => ROLE_NAMES[p.toLowerCase()]);
    if (named.every((r) => r !== undefined) && new Set(named).size === 2) {
      return { speakers: turns.map((t) => ROLE_NAMES[t.party!.toLowerCase()]!), confidence: 1, method: 'party-names', agentParty: parties[named.indexOf('agent')] };
    }
    const evidence = new Map(parties.map((p) => [p, 0]));
    turns.forEach((t, i) => evidence.set(t.party!, evidence.get(t.party!)! + agentEvidence(t.text, i)));
    const ranked = [...evidence.entries()].sort((a, b) => b[1] - a[1]);
    const [agent, runnerUp] = ranked;
    // One party alone: its own evidence decides; several: the lead of the most agent-like over the next.
    const margin = runnerUp ? agent![1] - runnerUp[1] : Math.abs(agent![1]);
    const agentParty = runnerUp || agent![1] >= 0 ? agent![0] : undefined;
    return {
      speakers: turns.map((t) => (t.party === agentParty ? 'agent' : 'customer')),
      confidence: round(sigmoid(margin)),
      method: 'parties',
      agentParty,
    };
  }
  const speakers: Speaker[] = [];
  let decided = 0;
  turns.forEach((t, i) => {
    const e = agentEvidence(t.text, i);
    if (e !== 0) decided++;
    const previous = speakers.at(-1);
    speakers.push(e > 0 ? 'agent' : e < 0 ? 'customer' : previous === 'agent' ? 'customer' : 'agent');
  });
  const evidenced = decided / Math.max(1, turns.length);
  return { speakers, confidence: round(0.5 + (TURN_BY_TURN_CEILING - 0.5) * evidenced), method: 'turns' };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
