import type { Namespace, Server } from 'socket.io';
import { socketAuth } from '../auth/socket.ts';
import type { Principal, TokenService } from '../auth/tokens.ts';
import type { AgentClientToServer, AgentServerToClient, NoEvents, SupervisorClientToServer, SupervisorServerToClient } from '../contract/index.ts';

/**
 * The socket.io namespaces and their rooms. `agent:<id>` gets everything about that agent's
 * conversations, `supervisors` gets the wall, `watch:<conversationId>` gets the live transcript for
 * supervisors who opened it.
 */

export interface SocketData {
  principal: Principal;
}

export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, NoEvents, SocketData>;
export type SupervisorNamespace = Namespace<SupervisorClientToServer, SupervisorServerToClient, NoEvents, SocketData>;

export interface Namespaces {
  agents: AgentNamespace;
  supervisors: SupervisorNamespace;
}

export const agentRoom = (agentId: string) => `agent:${agentId}`;
export const watchRoom = (conversationId: string) => `watch:${conversationId}`;
export const SUPERVISORS = 'supervisors';

/** The /agent and /supervisor namespaces, each behind its role's sign-in. */
export function openNamespaces(io: Server, tokens: TokenService): Namespaces {
  // One socket.io server, one typed event map per namespace (socket.io types a server with one map).
  const agents = io.of('/agent') as unknown as AgentNamespace;
  const supervisors = io.of('/supervisor') as unknown as SupervisorNamespace;
  agents.use(socketAuth(tokens, ['agent']));
  supervisors.use(socketAuth(tokens, ['supervisor']));
  return { agents, supervisors };
}
