export { PlaybookSchema, promptsForFindings, suggestPrompts, type Playbook } from './playbook.ts';
