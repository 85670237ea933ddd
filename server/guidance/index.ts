export { PlaybookSchema, suggestPrompts, type Playbook } from './playbook.ts';
export { expiredByEnd, expiredByTurn } from './expiry.ts';
