import { blocksOf, cueTiming, FormatError, plainText, splitSpeakerPrefix, textOf, type SourceTurn, type Transcript, type TranscriptFormat } from './transcript.ts';

/** `<v Name>`: the name starts after the blanks and stops at the tag's end, so no "<v" is scanned past the next "<". */
const VOICE = /<v(?:\.[\w.-]+)?\s+([^<>\s][^<>]*)>/u;
const STARTS_WITH_TIMECODE = /^\s*(?:\d+:)?\d\d:\d\d[.,]\d/u;

/**
 * WebVTT captions. Each cue becomes one turn per voice in it: `<v Alice>text</v>` names the speaker
 * (a cue may hold several voices, one per line); without a voice tag a "Name: text" prefix is used.
 * NOTE, STYLE and REGION blocks are skipped. Speaker names are parties whose roles are inferred.
 */
function parse(text: string): Transcript {
  const blocks = blocksOf(text);
  const header = blocks[0];
  if (!header || !/^WEBVTT(?:[ \t].*)?$/u.test(header.lines[0]!)) {
    throw new FormatError('webvtt', 'line 1', 'a WebVTT file starts with "WEBVTT"');
  }
  const turns: SourceTurn[] = [];
  for (const block of blocks.slice(1)) {
    if (/^(NOTE|STYLE|REGION)\b/u.test(block.lines[0]!)) continue;
    // An identifier line may come before the timing line, which starts with a timecode.
    const timingIndex = STARTS_WITH_TIMECODE.test(block.lines[0]!) ? 0 : 1;
    const timing = block.lines[timingIndex];
    if (timing === undefined) throw new FormatError('webvtt', `line ${block.firstLine + 1}`, 'a cue needs a timing line ("start --> end")');
    const timed = cueTiming(timing, 'webvtt', block.firstLine + timingIndex, '.');
    const cueId = timingIndex === 1 ? block.lines[0]!.trim() : undefined;
    const voices = voiceSegments(block.lines.slice(timingIndex + 1));
    voices.forEach((v, i) => {
      const idBase = cueId && /^[\w.:@-]+$/u.test(cueId) ? cueId : `cue-${block.firstLine}`;
      turns.push({ turnId: voices.length > 1 ? `${idBase}-${i + 1}` : idBase, party: v.party, text: v.text, ...timed, final: true, channel: 'voice' });
    });
  }
  if (turns.length === 0) throw new FormatError('webvtt', '(document)', 'has no cues with text');
  return { format: 'webvtt', turns, ended: true };
}

/** The payload of one cue split by voice: a line opening with <v Name> starts a new speaker. */
function voiceSegments(lines: string[]): { party?: string; text: string }[] {
  const segments: { party?: string; text: string }[] = [];
  for (const line of lines) {
    const voice = VOICE.exec(line);
    const last = segments.at(-1);
    if (voice || !last) segments.push({ party: voice?.[1]?.trim(), text: plainText(line) });
    else last.text = `${last.text} ${plainText(line)}`.trim();
  }
  return segments
    .map((s) => (s.party === undefined ? splitSpeakerPrefix(s.text) : s))
    .filter((s) => s.text !== '');
}

export const webvtt: TranscriptFormat = {
  name: 'webvtt',
  detect: { extensions: ['.vtt'], content: (head) => head.startsWith('WEBVTT') },
  parse: (input) => parse(textOf(input, 'webvtt')),
};
