import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { errorsText, fieldErrors } from '../server/api/refusal.ts';
import {
  CsvMappingSchema,
  FORMATS,
  readTranscriptFile,
  type CanonicalConversation,
  type CsvMapping,
  type FormatName,
} from '../server/ingest/adapters/index.ts';

/** The transcript options `score` and `replay` share. */
export const TRANSCRIPT_OPTIONS = {
  format: { type: 'string' },
  'csv-map': { type: 'string' },
  'swap-roles': { type: 'boolean' },
} as const;

export const TRANSCRIPT_HELP = `  --format F        read every file as F: ${FORMATS.join(', ')} (default: by extension and content)
  --csv-map FILE    CSV column mapping, JSON or YAML (see docs/INTEGRATIONS.md)
  --swap-roles      agent and customer the other way round (correct a wrong role inference)`;

export interface TranscriptFlags {
  format?: string;
  'csv-map'?: string;
  'swap-roles'?: boolean;
}

export interface FileConversation extends CanonicalConversation {
  file: string;
  format: FormatName;
}

/** Every conversation in the files, canonical, with the file it came from; offsets count from `startAt`. */
export async function readTranscripts(files: readonly string[], flags: TranscriptFlags, startAt: number): Promise<FileConversation[]> {
  if (flags.format !== undefined && !FORMATS.includes(flags.format as FormatName)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
  let csvMapping: CsvMapping | undefined;
  if (flags['csv-map']) {
    const parsed = CsvMappingSchema.safeParse(parseYaml(await readFile(flags['csv-map'], 'utf8')));
    if (!parsed.success) throw new Error(`${flags['csv-map']}: ${errorsText(fieldErrors(parsed.error, '(file)'))}`);
    csvMapping = parsed.data;
  }
  const all: FileConversation[] = [];
  for (const file of files) {
    const { format, conversations } = await readTranscriptFile(file, { format: flags.format as FormatName | undefined, csvMapping, swapRoles: flags['swap-roles'], startAt });
    for (const c of conversations) {
      const twin = all.find((other) => other.conversationId === c.conversationId);
      if (twin) throw new Error(`conversation ${c.conversationId} is in both ${twin.file} and ${file}`);
      all.push({ ...c, file, format });
    }
  }
  return all;
}
