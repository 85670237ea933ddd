/**
 * Sign-in: the demo and the admin hand out links that carry a signed token (`?token=`). The token is
 * kept for this tab in sessionStorage and removed from the address bar, so it does not end up in
 * history, bookmarks or a screen share.
 */
import type { Principal, Role } from '../../../server/contract/index.ts';

const KEY = 'rapport.token';

/** Who this tab is signed in as (GET /api/me). */
export type Me = Principal;

/** Why a screen cannot open; each has a message in the i18n dictionary. */
export type SignInProblem = 'missing' | 'invalid' | 'expired' | 'agent-on-wall' | 'wrong-role' | 'unreachable';

export function takeToken(): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** The server words its refusals ("your sign-in has expired…"); the client maps them to its own strings. */
export function problemOf(message: string): SignInProblem {
  if (/expired/i.test(message)) return 'expired';
  if (/no token/i.test(message)) return 'missing';
  if (/role may not/i.test(message)) return 'wrong-role';
  return 'invalid';
}

export type Screen = 'agent' | 'supervisor' | 'qa' | 'team';

export const SCREENS: readonly Screen[] = ['agent', 'supervisor', 'qa', 'team'];

export const ROLES_OF: Record<Screen, readonly Role[]> = {
  agent: ['agent'],
  supervisor: ['supervisor'],
  qa: ['qa', 'supervisor'],
  team: ['supervisor'],
};

export function refusalFor(screen: Screen, role: Role): SignInProblem | undefined {
  if (ROLES_OF[screen].includes(role)) return undefined;
  return role === 'agent' && screen === 'supervisor' ? 'agent-on-wall' : 'wrong-role';
}
