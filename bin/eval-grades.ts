/**
 * How complaint grades and alert severities fall on real traffic: the STC-3 helpdesk dialogues
 * (Weibo customer service, English and Chinese) and the demo conversations, played through the
 * server's own pipeline with the shipped models and config/quality.yaml. The dialogues carry no
 * times; turns are taken 30 s apart. Deterministic (the first --limit dialogues of each file).
 * Run: npm run eval:grades -- [--data ../shared/data] [--limit 250]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { offlinePipelinesFor, scorerFor } from '../server/compose.ts';
import { loadConfig } from '../server/config.ts';
import { headlineComplaint } from '../server/domain/quality.ts';
import type { Speaker } from '../server/domain/turn.ts';
import { DEMO_CONVERSATIONS } from '../server/demo/conversations.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' }, limit: { type: 'string', default: '250' } } });
const LIMIT = Number(values.limit);
const TURN_GAP_MS = 30_000;

interface Dialogue {
  id: string;
  lang: 'en' | 'zh';
  turns: [Speaker, string][];
}

function stc3(file: string, lang: 'en' | 'zh'): Dialogue[] {
  return readFileSync(path.join(values.data!, 'helpdesk-dialogue', file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, LIMIT)
    .map((line) => {
      const d = JSON.parse(line) as { id: string; turns: { sender: string; text: string }[] };
      return { id: `${lang}-${d.id}`, lang, turns: d.turns.map((t) => [t.sender === 'customer' ? 'customer' : 'agent', t.text] as [Speaker, string]) };
    });
}

const config = loadConfig(['--demo', '--log-level', 'silent'], {});
const scorer = await scorerFor(config);
// The same pipelines `rapport score` plays transcripts through: the configured rules, playbook and quality.
const offline = offlinePipelinesFor(config, scorer);

async function measure(name: string, dialogues: Dialogue[]): Promise<void> {
  let clock = 1_800_000_000_000;
  const { pipeline, store } = offline(() => clock);
  await pipeline.start();
  // Every dialogue starts at the same time and advances together, as a live floor would.
  const longest = Math.max(...dialogues.map((d) => d.turns.length));
  for (let i = 0; i < longest; i++) {
    for (const d of dialogues) {
      const turn = d.turns[i];
      if (!turn) continue;
      await pipeline.accept({ conversationId: d.id, turnId: `${d.id}-${i}`, speaker: turn[0], text: turn[1], channel: 'chat', final: true, at: clock, lang: d.lang, customerId: d.id, agentId: 'eval' });
    }
    await pipeline.idle();
    clock += TURN_GAP_MS;
  }
  const grades = { none: 0, general: 0, complex: 0, major: 0 };
  const severities = { info: 0, warning: 0, critical: 0 };
  const majorWhy = new Map<string, number>();
  for (const d of dialogues) {
    const c = (await store.get(d.id))!;
    const headline = headlineComplaint(c.complaints ?? []);
    grades[headline?.grade ?? 'none']++;
    if (headline?.grade === 'major') for (const r of headline.reasons) majorWhy.set(r.code, (majorWhy.get(r.code) ?? 0) + 1);
    const worst = c.alerts.reduce<keyof typeof severities | undefined>((w, a) => (!w || ['info', 'warning', 'critical'].indexOf(a.severity) > ['info', 'warning', 'critical'].indexOf(w) ? a.severity : w), undefined);
    if (worst) severities[worst]++;
  }
  const n = dialogues.length;
  const pct = (x: number) => `${((100 * x) / n).toFixed(1)}%`;
  console.log(
    `| ${name} | ${n} | ${pct(grades.none)} | ${pct(grades.general)} | ${pct(grades.complex)} | ${pct(grades.major)} | ${pct(severities.info)} / ${pct(severities.warning)} / ${pct(severities.critical)} | ${[...majorWhy].map(([k, v]) => `${k} ${v}`).join(', ') || '–'} |`,
  );
}

console.log('| set | dialogues | no complaint | general | complex | major | worst alert info / warning / critical | reasons in major grades |');
console.log('|---|---|---|---|---|---|---|---|');
await measure('STC-3 English', stc3('stc3_en.jsonl', 'en'));
await measure('STC-3 Chinese', stc3('stc3_zh.jsonl', 'zh'));
await measure(
  'demo',
  DEMO_CONVERSATIONS.map((d) => ({ id: d.key, lang: /[\u4e00-\u9fff]/.test(d.turns[0]![1]) ? 'zh' : 'en', turns: d.turns })),
);
await scorer.close();
