import { existsSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { createRapport, type Rapport } from '../../server/app.ts';
import type { Role } from '../../server/auth/tokens.ts';
import { loadConfig, ROOT } from '../../server/config.ts';

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';

/** The emotion model is optional; tests use it once it has been trained. */
export const MODEL_ARGS = existsSync(path.join(ROOT, 'models', 'rapport-emotion', 'config.json')) ? [] : ['--emotion-model', 'none'];

/** A real Rapport on a free loopback port with the shipped model and the in-memory store. */
export async function startRapport(extraArgs: string[] = []): Promise<Rapport> {
  const config = loadConfig(['--port', '0', '--secret', TEST_SECRET, ...MODEL_ARGS, ...extraArgs], {});
  return createRapport(config, pino({ level: 'silent' }));
}

export async function tokenFor(rapport: Rapport, role: Role, id: string): Promise<string> {
  return rapport.tokens.issue({ id, role, name: id });
}

/** A socket.io client on one namespace, connected (or rejected) before it resolves. */
export async function connectAs(rapport: Rapport, namespace: string, token: string): Promise<Socket> {
  const socket = connect(`${rapport.url}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Resolves with the next `event` whose payload passes `match`. */
export function nextEvent<T>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

/** A JSON POST with a bearer token; `raw` sends a body as it is (malformed JSON, say). */
export async function postAs(rapport: Rapport, token: string, route: string, body: unknown, raw?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${rapport.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
