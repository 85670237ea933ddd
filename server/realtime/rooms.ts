import type { Namespace, Server } from 'socket.io';
import { guardNamespace, type SocketData } from '../auth/socket.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { AgentClientToServer, AgentServerToClient, NoEvents, SupervisorClientToServer, SupervisorServerToClient } from '../contract/index.ts';
import type { SocketLimits } from './handlers.ts';

/**
 * The socket.io namespaces and their rooms. `agent:<id>` gets everything about that agent's
 * conversations, `supervisors` gets the wall, `watch:<conversationId>` gets the live transcript for
 * supervisors who opened it, `supervisor:<id>` gets what is meant for that supervisor alone.
 */

export type { SocketData };
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>;
export type SupervisorNamespace = Namespace<SupervisorClientToServer, SupervisorServerToClient, NoEvents, SocketData>;

export interface Namespaces {
  agents: AgentNamespace;
  supervisors: SupervisorNamespace;
}

export const agentRoom = (agentId: string) => `agent:${agentId}`;
export const watchRoom = (conversationId: string) => `watch:${conversationId}`;
/** One supervisor's own tabs, for what is meant for them alone (an alert handed to them). */
export const supervisorRoom = (supervisorId: string) => `supervisor:${supervisorId}`;
export const SUPERVISORS = 'supervisors';

/** The /agent and /supervisor namespaces, each behind its role's sign-in and the rate limits; the main namespace refuses everyone. */
export function openNamespaces(io: Server, tokens: TokenService, limits: SocketLimits): Namespaces {
  // One socket.io server, one typed event map per namespace (socket.io types a server with one map).
  const agents = io.of('/agent') as unknown as AgentNamespace;
  const supervisors = io.of('/supervisor') as unknown as SupervisorNamespace;
  guardNamespace(agents, tokens, ['agent'], limits);
  guardNamespace(supervisors, tokens, ['supervisor'], limits);
  // Nothing is served on the main namespace; a client that opens it is told so instead of idling there.
  io.of('/').use((_socket, next) => next(new Error('connect to /agent, /supervisor or /ingest')));
  return { agents, supervisors };
}
