import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rapport } from '../../server/app.ts';
import type { Delivery, DeliveryAttempt } from '../../server/webhooks/index.ts';
import { startRapport, tokenFor } from '../support/server.ts';
import { until, WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = 'whsec-live-test-0123456789';
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

let rapport: Rapport;
let receiver: WebhookReceiver;
let supervisor: string;
let ingest: string;

beforeAll(async () => {
  receiver = new WebhookReceiver(SECRET);
  await receiver.up();
  await receiver.down(); // the ticketing system is down when the first events happen
  rapport = await startRapport(['--webhook-url', receiver.url, '--webhook-secret', SECRET, '--webhook-retry-ms', '20', '--webhook-max-attempts', '1000']);
  supervisor = await tokenFor(rapport, 'supervisor', 'sam');
  ingest = await tokenFor(rapport, 'ingest', 'bridge');
});

afterAll(async () => {
  await rapport?.close();
  await receiver?.down();
});

const api = async <T>(method: string, route: string, token: string, body?: string, type = 'application/json'): Promise<T> => {
  const res = await fetch(`${rapport.url}${route}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
  expect(res.ok).toBe(true);
  return (await res.json()) as T;
};

/**
 * The post-call sample as a new contact, cut after the customer threatens to cancel: an alert opens
 * and, with no recovery after it, stays open for a supervisor to acknowledge.
 */
async function postCall(contactId: string): Promise<void> {
  const file = JSON.parse(await readFile(path.join(FIXTURES, 'contact-lens-post-call.json'), 'utf8')) as { CustomerMetadata: { ContactId: string }; Transcript: unknown[] };
  file.CustomerMetadata.ContactId = contactId;
  file.Transcript = file.Transcript.slice(0, 5);
  await api('POST', '/api/ingest/contact-lens-post-call', ingest, JSON.stringify(file));
  await rapport.pipeline.idle();
}

describe('webhooks from a running Rapport', () => {
  it('reach a receiver that was down: signed, none lost, in order per conversation, with the post-contact summary', async () => {
    await postCall('wh-1');
    const alert = (await rapport.store.get('wh-1'))!.alerts.find((a) => a.rule === 'escalation-phrase');
    expect(alert?.state).toBe('open');
    await api('POST', `/api/alerts/${alert!.id}/ack`, supervisor);
    await until(async () => {
      const { attempts } = await api<{ attempts: DeliveryAttempt[] }>('GET', '/api/webhooks/deliveries', supervisor);
      return attempts.filter((a) => a.outcome === 'retry').length >= 3;
    });
    expect(receiver.requests).toHaveLength(0);

    await receiver.up();
    await until(() => receiver.unique.some((r) => r.event.type === 'alert.acknowledged'));
    await until(async () => (await api<{ pending: number }>('GET', '/api/webhooks/deliveries', supervisor)).pending === 0);

    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    const events = receiver.unique.map((r) => r.event);
    expect(events.every((e) => e.conversationId === 'wh-1')).toBe(true);
    expect(events[0]!.type).toBe('alert.opened');
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['alert.opened', 'conversation.ended', 'alert.acknowledged']));
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const ended = events.find((e) => e.type === 'conversation.ended')!;
    expect(ended.summary).toMatchObject({ ContactId: 'wh-1', Participants: [{ ParticipantRole: 'AGENT' }, { ParticipantRole: 'CUSTOMER' }] });
    expect(ended.summary!.Transcript).toHaveLength(5);
    // None lost: every event Rapport logged as delivered reached the receiver, and nothing else did.
    const { attempts } = await api<{ attempts: DeliveryAttempt[] }>('GET', '/api/webhooks/deliveries?limit=1000', supervisor);
    expect(new Set(attempts.filter((a) => a.outcome === 'delivered').map((a) => a.eventId))).toEqual(new Set(events.map((e) => e.id)));
    expect(events.find((e) => e.type === 'alert.acknowledged')!.alert).toMatchObject({ id: alert!.id, state: 'acknowledged', acknowledgedBy: 'sam' });
  });

  it('dead-letters what the receiver refuses, and a supervisor sends it again', async () => {
    receiver.answer = () => 410;
    await postCall('wh-2');
    const dead = async () => (await api<{ deadLetters: Delivery[] }>('GET', '/api/webhooks/dead-letters', supervisor)).deadLetters;
    await until(async () => (await dead()).some((d) => d.event.type === 'conversation.ended'));

    receiver.answer = () => 200;
    for (const d of await dead()) await api('POST', `/api/webhooks/dead-letters/${d.id}/retry`, supervisor);
    await until(() => receiver.unique.some((r) => r.event.conversationId === 'wh-2' && r.event.type === 'conversation.ended'));
    expect(await dead()).toEqual([]);
    expect(receiver.unique.filter((r) => r.event.conversationId === 'wh-2').map((r) => r.event.type)).toEqual(expect.arrayContaining(['alert.opened', 'conversation.ended']));
    const refused = await fetch(`${rapport.url}/api/webhooks/dead-letters/no-such/retry`, { method: 'POST', headers: { authorization: `Bearer ${supervisor}` } });
    expect(refused.status).toBe(404);
  });
});
