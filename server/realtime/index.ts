export { attachRealtime, type RealtimeDeps } from './namespaces.ts';
export { roomPublisher } from './publisher.ts';
export { openNamespaces, type Namespaces } from './rooms.ts';
