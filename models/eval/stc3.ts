/**
 * The STC-3 helpdesk dialogues (../shared/data/helpdesk-dialogue) as Rapport conversations: each turn
 * scored by the server's own scorer (server/scoring) and applied with the domain's own functions, so
 * the satisfaction features are computed exactly as they are live. Scores can be cached in a file
 * outside the repository, keyed by model and text, so that a re-run does not score again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { applyScoredTurn, endConversation, newConversation, type Conversation } from '../../server/domain/conversation.ts';
import type { Score, Turn } from '../../server/domain/turn.ts';
import type { Scorer } from '../../server/scoring/index.ts';

export interface Stc3Dialogue {
  id: string;
  lang: 'en' | 'zh';
  turns: { sender: 'customer' | 'helpdesk'; text: string }[];
  /** The 19 annotators' customer-satisfaction ratings, -2..2. */
  S: number[];
}

export function loadStc3(dataDir: string, lang: 'en' | 'zh'): Stc3Dialogue[] {
  const file = path.join(dataDir, 'helpdesk-dialogue', `stc3_${lang}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const d = JSON.parse(line) as { id: string; turns: Stc3Dialogue['turns']; quality: { S: number[] } };
      return { id: d.id, lang, turns: d.turns, S: d.quality.S };
    });
}

type CachedScore = Pick<Score, 'label' | 'valence' | 'confidence' | 'probabilities' | 'lowConfidence'>;

const keyOf = (text: string) => createHash('sha1').update(text).digest('base64url');

/** Scores every distinct text once (cached by model in `cacheFile` when given), through the scorer's micro-batches. */
export async function scoreTexts(scorer: Scorer, texts: readonly string[], cacheFile?: string): Promise<Map<string, CachedScore>> {
  const cache: Record<string, CachedScore> = cacheFile && existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, CachedScore>) : {};
  const prefix = `${scorer.models.sentiment}:`;
  const todo = [...new Set(texts)].filter((t) => cache[prefix + keyOf(t)] === undefined);
  if (todo.length > 0) {
    const bar = new cliProgress.SingleBar({ format: 'scoring STC-3 turns [{bar}] {value}/{total}', stream: process.stderr }, cliProgress.Presets.shades_classic);
    bar.start(todo.length, 0);
    const window = 256;
    for (let i = 0; i < todo.length; i += window) {
      const chunk = todo.slice(i, i + window);
      const scores = await Promise.all(chunk.map((text) => scorer.score({ text, emotion: false })));
      chunk.forEach((text, j) => {
        const { label, valence, confidence, probabilities, lowConfidence } = scores[j]!;
        cache[prefix + keyOf(text)] = { label, valence, confidence, probabilities, lowConfidence };
      });
      bar.update(Math.min(todo.length, i + window));
    }
    bar.stop();
    if (cacheFile) writeFileSync(cacheFile, JSON.stringify(cache));
  }
  return new Map(texts.map((t) => [t, cache[prefix + keyOf(t)]!]));
}

/** One dialogue as an ended Rapport chat, each turn scored; turns a minute apart (STC-3 has no times). */
export function conversationOf(d: Stc3Dialogue, scores: Map<string, CachedScore>): Conversation {
  let c: Conversation | undefined;
  d.turns.forEach((t, i) => {
    const turn: Turn = {
      conversationId: `stc3-${d.id}`,
      turnId: `t${i + 1}`,
      speaker: t.sender === 'customer' ? 'customer' : 'agent',
      text: t.text,
      channel: 'chat',
      final: true,
      at: i * 60_000,
      lang: d.lang,
    };
    const score: Score = { ...scores.get(t.text)!, model: 'cached', latencyMs: 0 };
    c = applyScoredTurn(c ?? newConversation(turn), turn, score).conversation;
  });
  return endConversation(c!, d.turns.length * 60_000);
}
