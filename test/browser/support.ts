/**
 * Browser-test helpers: a real Rapport (the shipped model, in-memory store), Debian's chromium via
 * playwright-core, pages signed in with a token, and screenshots under test-output/screens/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
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
export function startServer(): Promise<Rapport> {
  const hasEmotionModel = existsSync(path.join(ROOT, 'models', 'rapport-emotion'));
  return startRapport(hasEmotionModel ? [] : ['--emotion-model', 'none']);
}

/** A page on `route` signed in as `id` through the ?token= link, as the demo prints it. */
export async function openAs(browser: Browser, rapport: Rapport, route: string, role: Role, id: string, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'en-GB' });
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
export async function say(rapport: Rapport, conversationId: string, speaker: Speaker, text: string, who: { agentId: string; customerId: string; queue: string }): Promise<void> {
  const result = await rapport.ingest.turn({ conversationId, turnId: `bt${++turnCounter}`, speaker, text, channel: 'chat', ...who });
  if (!result.ok) throw new Error(`turn refused: ${JSON.stringify(result)}`);
}
