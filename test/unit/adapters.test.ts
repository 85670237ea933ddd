import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CsvMappingSchema,
  detectFormat,
  FormatError,
  parseTranscript,
  readTranscriptFile,
  toCanonical,
  type FormatName,
} from '../../server/ingest/adapters/index.ts';
import { TurnInputSchema } from '../../server/ingest/schema.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Every fixture is the same nine-turn call, written by each vendor's rules. */
const CALL: [string, string][] = [
  ['agent', 'Thank you for calling Northwind Broadband, this is Dana. How can I help you today?'],
  ['customer', 'My internet has been dropping every evening for two weeks and I am really fed up.'],
  ['agent', "I'm sorry to hear that. Can I take your account number, please?"],
  ['customer', "It's NW-20931. This is the third time I have called and nobody has fixed it."],
  ['customer', 'Honestly, if it is not sorted today I want to cancel my contract.'],
  ['agent', 'I understand how frustrating that is. I will book an engineer for tomorrow morning and call you back before 5 pm today.'],
  ['customer', 'Fine. Tomorrow morning works, thank you.'],
  ['agent', 'Is there anything else I can help with today?'],
  ['customer', "No, that's all. Thanks for sorting it out."],
];
const OFFSETS = [0, 6000, 13000, 18000, 26000, 33000, 42000, 47000, 52000];
const START = Date.UTC(2026, 0, 1, 10);

const SAMPLES: { file: string; format: FormatName; conversationId: string; roles: 'format' | 'inferred' }[] = [
  { file: 'contact-lens-realtime.jsonl', format: 'contact-lens-realtime', conversationId: '9d1e7b20-4f3a-4c8e-b5a1-6e2d3c4b5a60', roles: 'format' },
  { file: 'contact-lens-post-call.json', format: 'contact-lens-post-call', conversationId: '7f3c2a1e-5b4d-4c7e-9a10-2b6f0d1e3c44', roles: 'format' },
  { file: 'genesys-transcription.json', format: 'genesys', conversationId: 'c4a8e2f0-1d3b-4e5f-8a9b-0c1d2e3f4a5b', roles: 'format' },
  { file: 'call.vtt', format: 'webvtt', conversationId: 'call.vtt', roles: 'inferred' },
  { file: 'call.srt', format: 'srt', conversationId: 'call.srt', roles: 'inferred' },
  { file: 'chat.jsonl', format: 'jsonl', conversationId: 'chat-5531', roles: 'format' },
  { file: 'chat-export.csv', format: 'csv', conversationId: 'chat-8812', roles: 'format' },
];

describe('sample files', () => {
  for (const sample of SAMPLES) {
    it(`${sample.file}: detected as ${sample.format}, read as the call, every turn canonical`, async () => {
      expect(detectFormat(sample.file, fixture(sample.file))).toBe(sample.format);
      const { conversations } = await readTranscriptFile(path.join(FIXTURES, sample.file), { startAt: START });
      expect(conversations).toHaveLength(1);
      const [c] = conversations;
      expect(c!.conversationId).toBe(sample.conversationId);
      expect(c!.roles.source).toBe(sample.roles);
      expect(c!.ended).toBe(true);
      const finals = c!.turns.filter((t) => t.final);
      expect(finals.map((t) => [t.speaker, t.text])).toEqual(CALL);
      expect(finals.map((t) => Number(t.at) - START)).toEqual(OFFSETS);
      for (const t of c!.turns) expect(TurnInputSchema.safeParse(t).success).toBe(true);
    });
  }

  it('Contact Lens Utterance segments become partial turns before their Transcript', () => {
    const [c] = toCanonical(parseTranscript('contact-lens-realtime', fixture('contact-lens-realtime.jsonl')), { startAt: START });
    const partials = c!.turns.filter((t) => !t.final);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials[0]).toMatchObject({ speaker: 'agent', final: false, text: 'Thank you for calling Northwind Broadband, this' });
  });

  it('a stream that has not completed does not end the conversation', () => {
    const events = fixture('contact-lens-realtime.jsonl').trim().split('\n').slice(0, 3).join('\n');
    expect(parseTranscript('contact-lens-realtime', events).ended).toBe(false);
  });
});

describe('canonical turns round-trip', () => {
  it('JSON Lines written from parsed turns parse back to the same turns', () => {
    const [first] = toCanonical(parseTranscript('jsonl', fixture('chat.jsonl')));
    const written = first!.turns.map((t) => JSON.stringify(t)).join('\n');
    const [again] = toCanonical(parseTranscript('jsonl', written));
    expect(again!.turns).toEqual(first!.turns);
    expect(first!.turns[0]).toMatchObject({ conversationId: 'chat-5531', turnId: 'm1', agentId: 'dana', queue: 'broadband', at: 1767261600000 });
  });

  it('a vendor file converted to JSON Lines reads back as the same turns', async () => {
    const { conversations } = await readTranscriptFile(path.join(FIXTURES, 'genesys-transcription.json'));
    const written = conversations[0]!.turns.map((t) => JSON.stringify(t)).join('\n');
    expect(toCanonical(parseTranscript('jsonl', written))[0]!.turns).toEqual(conversations[0]!.turns);
  });
});

describe('roles', () => {
  it('are inferred by party for voice tags, with the agent party and a confidence', () => {
    const [c] = toCanonical(parseTranscript('webvtt', fixture('call.vtt')), { conversationId: 'x' });
    expect(c!.roles).toMatchObject({ source: 'inferred', method: 'parties', agentParty: 'Dana', swapped: false });
    expect(c!.roles.confidence).toBeGreaterThan(0.9);
  });

  it('swap with one option', () => {
    const [c] = toCanonical(parseTranscript('srt', fixture('call.srt')), { conversationId: 'x', swapRoles: true });
    expect(c!.roles.swapped).toBe(true);
    expect(c!.turns.map((t) => t.speaker)).toEqual(CALL.map(([s]) => (s === 'agent' ? 'customer' : 'agent')));
  });

  it('are taken from role-word names without guessing', () => {
    const vtt = 'WEBVTT\n\n00:01.000 --> 00:02.000\n<v Customer>Hello?\n\n00:03.000 --> 00:04.000\n<v Agent>Hi there.\n';
    const [c] = toCanonical(parseTranscript('webvtt', vtt), { conversationId: 'x' });
    expect(c!.roles).toMatchObject({ method: 'party-names', confidence: 1 });
    expect(c!.turns.map((t) => t.speaker)).toEqual(['customer', 'agent']);
  });

  it('are inferred turn by turn when nobody is named', () => {
    const srt = fixture('call.srt').replace(/^(DANA|PATEL): /gmu, '');
    const [c] = toCanonical(parseTranscript('srt', srt), { conversationId: 'x' });
    expect(c!.roles.method).toBe('turns');
    const right = c!.turns.filter((t, i) => t.speaker === CALL[i]![0]).length;
    expect(right).toBeGreaterThanOrEqual(7);
  });

  it('CSV speaker values that are not role words are names to infer from', () => {
    const csv = fixture('chat-export.csv').replace(/,(operator|visitor),/gu, ',,').replace('Sender Type,', 'Note,');
    const [c] = toCanonical(parseTranscript('csv', csv));
    expect(c!.roles).toMatchObject({ source: 'inferred', agentParty: 'Dana W.' });
    expect(c!.turns.map((t) => t.speaker)).toEqual(CALL.map(([s]) => s));
  });
});

describe('CSV mapping', () => {
  it('maps other column names through a small config, quoted commas and newlines kept', () => {
    const csv = 'Thread,Who,Said,When\nT-1,agent,"Hello, how can I help?",1767261600000\nT-1,customer,"My bill is wrong,\nagain",2026-01-01T10:00:05Z\n';
    const mapping = CsvMappingSchema.parse({ conversationId: ['thread'], speaker: ['who'], text: ['said'], at: ['when'] });
    const [c] = toCanonical(parseTranscript('csv', csv, { csvMapping: mapping }));
    expect(c!.conversationId).toBe('T-1');
    expect(c!.turns.map((t) => [t.speaker, t.text, t.at])).toEqual([
      ['agent', 'Hello, how can I help?', 1767261600000],
      ['customer', 'My bill is wrong,\nagain', 1767261605000],
    ]);
  });
});

/** A fixture broken in one place, and what the error must name. */
const MALFORMED: { name: string; format: FormatName; input: () => string; names: RegExp }[] = [
  { name: 'WebVTT without its header', format: 'webvtt', input: () => fixture('call.vtt').replace(/^WEBVTT[^\n]*/u, 'VTT'), names: /^webvtt: line 1: / },
  { name: 'WebVTT bad timing', format: 'webvtt', input: () => fixture('call.vtt').replace('00:00:13.000 -->', '00:13 -->'), names: /^webvtt: line 14: expected a cue timing/ },
  { name: 'WebVTT arrow with one dash', format: 'webvtt', input: () => fixture('call.vtt').replace('00:00:06.000 -->', '00:00:06.000 ->'), names: /^webvtt: line 10: expected a cue timing .* got "00:00:06.000 -> 00:00:12.500"/ },
  { name: 'WebVTT cue without timing', format: 'webvtt', input: () => `${fixture('call.vtt')}\nutt-10\n`, names: /^webvtt: line \d+: a cue needs a timing line/ },
  { name: 'SRT cue without a number', format: 'srt', input: () => fixture('call.srt').replace(/^3$/mu, 'three'), names: /^srt: line 9: expected a cue number/ },
  { name: 'SRT dot instead of comma', format: 'srt', input: () => fixture('call.srt').replace('00:00:06,000', '00:00:06.000x'), names: /^srt: line 6: / },
  { name: 'JSONL unknown speaker', format: 'jsonl', input: () => fixture('chat.jsonl').replace('"speaker": "customer"', '"speaker": "caller"'), names: /^jsonl: line 2: speaker: must be "customer" or "agent"/ },
  { name: 'JSONL broken line', format: 'jsonl', input: () => fixture('chat.jsonl').replace('{"conversationId": "chat-5531", "turnId": "m4"', '{"conversationId"'), names: /^jsonl: line 4: not valid JSON/ },
  { name: 'CSV without a text column', format: 'csv', input: () => fixture('chat-export.csv').replace('Message\n', 'Words\n'), names: /^csv: line 1: no text column/ },
  { name: 'CSV bad date', format: 'csv', input: () => fixture('chat-export.csv').replace('2026-01-01 10:00:18', 'yesterday'), names: /^csv: line 5: column "Sent At"/ },
  { name: 'CSV unclosed quote', format: 'csv', input: () => `${fixture('chat-export.csv')}chat-8812,msg-10,2026-01-01 10:01:00,Dana W.,operator,"Bye\n`, names: /^csv: line 11: a quoted field is never closed/ },
  { name: 'Contact Lens real-time without Content', format: 'contact-lens-realtime', input: () => fixture('contact-lens-realtime.jsonl').replace('"Content": "I\'m sorry', '"Contents": "I\'m sorry'), names: /^contact-lens-realtime: line \d+: Segments\.0\.Transcript\.Content: / },
  { name: 'Contact Lens post-call unknown participant', format: 'contact-lens-post-call', input: () => fixture('contact-lens-post-call.json').replace('"ParticipantId": "CUSTOMER",\n      "Content"', '"ParticipantId": "CALLER",\n      "Content"'), names: /^contact-lens-post-call: Transcript\.1\.ParticipantId: "CALLER" is not in Participants/ },
  { name: 'Genesys unknown channel', format: 'genesys', input: () => fixture('genesys-transcription.json').replace('"channel": "EXTERNAL"', '"channel": "CUSTOMER"'), names: /^genesys: \[1\] eventBody: transcripts\.0\.channel: must be "INTERNAL" or "EXTERNAL"/ },
];

describe('malformed files are rejected with the line or field named', () => {
  for (const m of MALFORMED) {
    it(m.name, () => {
      const input = m.input();
      expect(input).not.toBe('');
      let error: unknown;
      try {
        parseTranscript(m.format, input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(m.names);
    });
  }
});

describe('Genesys notifications', () => {
  it('read the same as their eventBody alone (without topicName and the envelope)', () => {
    const notifications = JSON.parse(fixture('genesys-transcription.json')) as { eventBody: unknown }[];
    const bodies = notifications.map((n) => n.eventBody);
    const alone = parseTranscript('genesys', JSON.stringify(bodies));
    expect(alone.turns.map((t) => [t.conversationId, t.speaker, t.text, t.at])).toEqual(parseTranscript('genesys', notifications).turns.map((t) => [t.conversationId, t.speaker, t.text, t.at]));
    expect(alone.turns).toHaveLength(CALL.length);
  });
});

describe('subtitle markup', () => {
  it('is removed tag by tag: a "<" that opens no tag is text', () => {
    const vtt = parseTranscript('webvtt', 'WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Lee>I rate it <3 <i>really</i></v>\n');
    expect(vtt.turns[0]).toMatchObject({ party: 'Lee', text: 'I rate it <3 really' });
    const srt = parseTranscript('srt', '1\n00:00:00,000 --> 00:00:04,000\nLee: 2 < 3 and <b>5</b> > 4\n');
    expect(srt.turns[0]).toMatchObject({ party: 'Lee', text: '2 < 3 and 5 > 4' });
  });
});

describe('large uploads', () => {
  // A 4 MB upload is one request of an ingest token: reading it must take one pass, not one per "<".
  it('reads a WebVTT or SRT line of a million "<" (no tag among them) as text', () => {
    const line = '<'.repeat(1_000_000);
    const vtt = parseTranscript('webvtt', `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n${line}\n`);
    expect(vtt.turns[0]!.text).toBe(line);
    const srt = parseTranscript('srt', `1\n00:00:00,000 --> 00:00:01,000\n${line}\n`);
    expect(srt.turns[0]!.text).toBe(line);
  });

  it('reads a WebVTT line of unclosed voice tags as text, and a closed one as the voice', () => {
    const line = '<v a'.repeat(250_000);
    const vtt = parseTranscript('webvtt', `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n${line}\n\n00:00:01.000 --> 00:00:02.000\n<v   Dana >Hello <i>there</i></v>\n`);
    expect(vtt.turns[0]!.text).toBe(line);
    expect(vtt.turns[1]).toMatchObject({ party: 'Dana', text: 'Hello there' });
  });

  it('groups 200,000 turns of one conversation in one pass (copying the group per turn would take minutes)', () => {
    const turns = Array.from({ length: 200_000 }, (_, i) => ({ conversationId: 'big', turnId: `t${i}`, speaker: i % 2 ? ('agent' as const) : ('customer' as const), text: `line ${i}`, final: true }));
    const [c] = toCanonical({ format: 'jsonl', turns, ended: false });
    expect(c!.turns).toHaveLength(200_000);
    expect(c!.turns.at(-1)!.turnId).toBe('t199999');
  }, 20_000);
});
