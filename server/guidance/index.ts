export { PlaybookSchema, suggestPrompts, type Playbook } from './playbook.ts';
