/**
 * Browser-test helpers: a real Rapport (the shipped model, in-memory store), Debian's chromium via
 * playwright-core, pages signed in with a token, and screenshots under test-output/screens/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Rapport } from '../../server/app.ts';
import type { Role } from '../../server/auth/tokens.ts';
import { ROOT } from '../../server/config.ts';
import type { Speaker } from '../../server/domain/turn.ts';
import { startRapport, tokenFor } from '../support/server.ts';

const SCREENS_DIR = path.join(ROOT, 'test-output', 'screens');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The emotion model is optional: use it once it exists, run without it until then. */
export function startServer(extraArgs: string[] = []): Promise<Rapport> {
  const hasEmotionModel = existsSync(path.join(ROOT, 'models', 'rapport-emotion'));
  return startRapport([...(hasEmotionModel ? [] : ['--emotion-model', 'none']), ...extraArgs]);
}

/** `--quality` pointing at config/quality.yaml with `change` applied, written to a temporary file. */
export function qualityArgs(change: (q: Record<string, any>) => void): string[] {
  const q = parseYaml(readFileSync(path.join(ROOT, 'config', 'quality.yaml'), 'utf8')) as Record<string, any>;
  change(q);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rapport-quality-')), 'quality.yaml');
  writeFileSync(file, stringifyYaml(q));
  return ['--quality', file];
}

/** A page on `route` signed in as `id` through the ?token= link, as the demo prints it. */
export async function openAs(browser: Browser, rapport: Rapport, route: string, role: Role, id: string, viewport = { width: 1280, height: 860 }, existing?: Page): Promise<Page> {
  const page = existing ?? (await browser.newPage({ viewport, locale: 'en-GB' }));
  // Fail loudly on client errors instead of a test timing out on a blank page.
  page.on('pageerror', (error) => console.error(`[${route} ${id}] page error: ${error.message}`));
  await page.goto(`${rapport.url}${route}?token=${await tokenFor(rapport, role, id)}`);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`) });
}

let turnCounter = 0;

/** Injects one final turn exactly as the HTTP ingest would. */
export async function say(rapport: Rapport, conversationId: string, speaker: Speaker, text: string, who: { agentId: string; customerId: string; queue: string }, at?: number): Promise<void> {
  const result = await rapport.ingest.turn({ conversationId, turnId: `bt${++turnCounter}`, speaker, text, channel: 'chat', at, ...who });
  if (!result.ok) throw new Error(`turn refused: ${JSON.stringify(result)}`);
}

/** The queues a wall of many conversations spreads them over. */
export const WALL_QUEUES = ['billing', 'cards', 'broadband', 'delivery'];

/**
 * One customer turn in each of `count` conversations (`<prefix>-0`, `<prefix>-1`, ...), all at once:
 * conversation i says `texts[(i + shift) % texts.length]`, as `who(i)`.
 */
export function sayToEach(rapport: Rapport, count: number, prefix: string, texts: readonly string[], who: (i: number) => { agentId: string; customerId: string; queue: string }, shift = 0): Promise<void[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => say(rapport, `${prefix}-${i}`, 'customer', texts[(i + shift) % texts.length]!, who(i))));
}

const AXE_SOURCE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** axe-core's serious and critical violations on the page as it is now, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}

/**
 * Visible text in Chinese mode that reads as English: runs of two or more Latin letters outside
 * ids, customer text and elements marked `data-verbatim` (transcripts, suggested lines of English
 * conversations, ids). `allowed` lists words that are Chinese-mode vocabulary (queue names, agent ids).
 */
export async function englishWords(page: Page, allowed: readonly string[] = []): Promise<string[]> {
  return page.evaluate((allowedWords) => {
    const allow = new Set(allowedWords.map((w) => w.toLowerCase()));
    const found = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('[data-verbatim], script, style, .sr-only[aria-hidden]')) continue;
      if (!el.checkVisibility()) continue;
      // Words are runs of letters between spaces and punctuation; a token with a digit in it is an id or a seed.
      for (const token of node.textContent?.match(/[\p{L}\p{N}_-]+/gu) ?? [])
        for (const word of /\d/.test(token) ? [] : (token.match(/[A-Za-z]{2,}/g) ?? [])) if (!allow.has(word.toLowerCase())) found.add(word);
    }
    return [...found];
  }, allowed);
}
