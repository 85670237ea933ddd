import { blocksOf, cueTiming, FormatError, plainText, splitSpeakerPrefix, textOf, type SourceTurn, type Transcript, type TranscriptFormat } from './transcript.ts';

/**
 * SubRip subtitles: numbered cues with "00:00:01,000 --> 00:00:04,000" timings. SRT has no speaker
 * field; a "Name: text" prefix is taken as the speaker, and roles are inferred from the text.
 */
function parse(text: string): Transcript {
  const turns: SourceTurn[] = [];
  for (const block of blocksOf(text)) {
    const [index, timing, ...payload] = block.lines;
    if (!/^\d+$/u.test(index!.trim())) throw new FormatError('srt', `line ${block.firstLine}`, `expected a cue number, got "${index!.trim()}"`);
    if (timing === undefined) throw new FormatError('srt', `line ${block.firstLine + 1}`, 'a cue needs a timing line after its number');
    const timed = cueTiming(timing, 'srt', block.firstLine + 1, ',');
    const { party, text: said } = splitSpeakerPrefix(plainText(payload.join(' ')));
    if (said === '') continue;
    turns.push({ turnId: `cue-${index!.trim()}`, party, text: said, ...timed, final: true, channel: 'voice' });
  }
  if (turns.length === 0) throw new FormatError('srt', '(document)', 'has no cues with text');
  return { format: 'srt', turns, ended: true };
}

export const srt: TranscriptFormat = {
  name: 'srt',
  detect: { extensions: ['.srt'] },
  parse: (input) => parse(textOf(input, 'srt')),
};
