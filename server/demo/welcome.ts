import type { TokenService } from '../auth/tokens.ts';

/** The turn the demo's curl command sends, the same as README's "Sending turns" example. */
export const SAMPLE_TURN = { conversationId: 'c-42', turnId: 't1', speaker: 'customer', text: 'I want to cancel', agentId: 'alice' } as const;

/**
 * What the demo prints once it listens: sign-in links for every screen, an ingest token, and a curl
 * command that sends a turn into agent Alice's sidebar, runnable as printed.
 */
export async function demoWelcome(url: string, tokens: TokenService): Promise<string> {
  const link = async (route: string, id: string, role: 'agent' | 'supervisor' | 'qa', name: string) =>
    `${url}/${route}?token=${await tokens.issue({ id, role, name })}`;
  const ingestToken = await tokens.issue({ id: 'demo-ingest', role: 'ingest', name: 'demo ingest' });
  return [
    '',
    'Rapport demo is running. Sign in as:',
    `  agent Alice      ${await link('agent', 'alice', 'agent', 'Alice')}`,
    `  agent Wei (中文)  ${await link('agent', 'wei', 'agent', 'Wei')}`,
    `  supervisor       ${await link('supervisor', 'sam', 'supervisor', 'Sam (supervisor)')}`,
    `  QA               ${await link('qa', 'quinn', 'qa', 'Quinn (QA)')}`,
    '',
    "Send turns as a contact-center system would (README's examples read $INGEST_TOKEN); this one reaches Alice's sidebar:",
    `  export INGEST_TOKEN=${ingestToken}`,
    `  curl -X POST ${url}/api/turns -H "authorization: Bearer $INGEST_TOKEN" -H 'content-type: application/json' -d '${JSON.stringify(SAMPLE_TURN)}'`,
    '',
  ].join('\n');
}
