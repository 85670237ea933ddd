/**
 * Measures role inference on the service dialogues that carry roles (USS: user = customer, system =
 * agent): roles are hidden, inferred, and compared. Two figures per set: by party (who spoke is known,
 * not their role: the usual case for WebVTT voices and chat logs) and turn by turn (a mono transcript
 * with no speaker names at all). Run: npm run eval:roles
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toolEnvironment } from '../server/config.ts';
import type { Speaker } from '../server/domain/turn.ts';
import { inferRoles } from '../server/ingest/roles.ts';

const DATA_DIR = toolEnvironment.dataDir();
const SETS = ['uss_redial', 'uss_ccpe'];
const ROLE: Record<string, Speaker> = { system: 'agent', user: 'customer' };

interface Dialogue {
  id: string;
  turns: { text: string; role: Speaker }[];
}

function dialogues(file: string): Dialogue[] {
  const byId = new Map<string, Dialogue>();
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [id, , role, text] = line.split('\t');
    if (!id || !text || !role || !ROLE[role]) continue;
    const d = byId.get(id) ?? { id, turns: [] };
    d.turns.push({ text, role: ROLE[role] });
    byId.set(id, d);
  }
  return [...byId.values()];
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

for (const set of SETS) {
  const all = dialogues(path.join(DATA_DIR, 'service-dialogue-en', `${set}.tsv`));
  let dialoguesRight = 0;
  let turnsRight = 0;
  let partyTurnsRight = 0;
  let turns = 0;
  let confidentRight = 0;
  let confident = 0;
  for (const d of all) {
    // Parties get neutral names in order of appearance, so neither name nor order gives the role away.
    const names = new Map<Speaker, string>();
    for (const t of d.turns) if (!names.has(t.role)) names.set(t.role, `speaker-${names.size + 1}`);
    const byParty = inferRoles(d.turns.map((t) => ({ party: names.get(t.role)!, text: t.text })));
    const partyTurnsRightHere = byParty.speakers.filter((s, i) => s === d.turns[i]!.role).length;
    partyTurnsRight += partyTurnsRightHere;
    const right = partyTurnsRightHere === d.turns.length;
    if (right) dialoguesRight++;
    if (byParty.confidence >= 0.9) {
      confident++;
      if (right) confidentRight++;
    }
    const byTurn = inferRoles(d.turns.map((t) => ({ text: t.text })));
    turns += d.turns.length;
    turnsRight += byTurn.speakers.filter((s, i) => s === d.turns[i]!.role).length;
  }
  console.log(
    `${set}: ${all.length} dialogues, ${turns} turns | by party: ${pct(dialoguesRight, all.length)} of dialogues right, ` +
      `${pct(partyTurnsRight, turns)} of turns (${pct(confidentRight, confident)} of the ${confident} dialogues with confidence >= 0.9) | ` +
      `turn by turn: ${pct(turnsRight, turns)} of turns right`,
  );
}
