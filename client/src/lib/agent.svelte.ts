/**
 * The agent sidebar's state: the agent's live conversations as the server sends them. Events are
 * applied in order; a fresh `snapshot` (after a long disconnect) replaces everything, and since the
 * server keeps prompts and their feedback, nothing shown is lost across a reconnect.
 */
import type { Alert } from '../../../server/contract/index.ts';
import type { ConversationSummary, ConversationView } from '../../../server/contract/index.ts';
import type { Prompt, PromptFeedback } from '../../../server/contract/index.ts';
import type { TurnEvent } from '../../../server/contract/index.ts';
import { Api } from './api.ts';
import { connectAgent, request, type LinkState } from './socket.ts';
import type { Verdict } from '../../../server/contract/index.ts';

/** Ended conversations kept as tabs for wrap-up; older ones leave the sidebar. */
const KEEP_ENDED = 2;

export class AgentDesk {
  conversations = $state<ConversationView[]>([]);
  selectedId = $state<string>();
  link = $state<LinkState>('connecting');
  feedbackError = $state(false);
  /** The prompt whose line is on the clipboard now. */
  copied = $state<string>();

  readonly hasLive = $derived(this.conversations.some((c) => c.status === 'live'));
  /** The chosen conversation, else the first live one, else the latest ended one (for wrap-up). */
  readonly selected = $derived(
    this.conversations.find((c) => c.id === this.selectedId) ?? this.conversations.find((c) => c.status === 'live') ?? this.conversations.at(-1),
  );

  private readonly connection;
  private readonly api: Api;

  constructor(token: string, onRefused: (message: string) => void) {
    this.api = new Api(token);
    this.connection = connectAgent(token, (state) => (this.link = state), onRefused);
    const s = this.connection.socket;
    s.on('snapshot', (views) => {
      // What the server no longer lists as live has ended (perhaps while this tab was offline); the
      // latest ended ones stay, so a wrap-up is not yanked away.
      const gone = this.conversations.filter((c) => !views.some((v) => v.id === c.id)).map((c) => ({ ...c, status: 'ended' as const }));
      this.conversations = [...views, ...gone.slice(-KEEP_ENDED)];
    });
    s.on('turn', (e) => this.onTurn(e));
    s.on('prompt', (p) => this.withConversation(p.conversationId, (c) => upsert(c.prompts, p)));
    s.on('alert', (a) => this.onAlert(a));
    s.on('alert:update', (a) => this.onAlert(a));
    s.on('conversation:update', (summary) => this.onSummary(summary));
    s.on('checklist', ({ conversationId, checklist }) => this.withConversation(conversationId, (c) => (c.checklist = checklist)));
  }

  close(): void {
    this.connection.close();
  }

  select(id: string): void {
    this.selectedId = id;
  }

  /** Closes an ended conversation's tab once the agent has wrapped it up; the next live one shows. */
  leave(id: string): void {
    this.conversations = this.conversations.filter((c) => c.id !== id || c.status !== 'ended');
    if (this.selectedId === id) this.selectedId = undefined;
  }

  /**
   * "Use": the line goes to the clipboard, the agent desktop hears of it, and the server records it.
   * The desktop gets a `rapport:prompt-used` DOM event on this window, and, when the sidebar is
   * embedded in a frame, the same as a postMessage to the embedding page's origin.
   */
  async use(prompt: Prompt): Promise<void> {
    const detail = { conversationId: prompt.conversationId, promptId: prompt.id, text: prompt.text };
    window.dispatchEvent(new CustomEvent('rapport:prompt-used', { detail }));
    if (window.parent !== window && document.referrer) window.parent.postMessage({ type: 'rapport:prompt-used', ...detail }, new URL(document.referrer).origin);
    this.copied = await navigator.clipboard?.writeText(prompt.text).then(
      () => prompt.id,
      () => undefined,
    );
    setTimeout(() => {
      if (this.copied === prompt.id) this.copied = undefined;
    }, 5000);
    await this.feedback(prompt, 'used');
  }

  /** Records "used" or "dismissed" on the server; shown at once, retried by socket.io if offline. */
  async feedback(prompt: Prompt, feedback: PromptFeedback): Promise<void> {
    this.withConversation(prompt.conversationId, (c) => {
      const local = c.prompts.find((p) => p.id === prompt.id);
      if (local) Object.assign(local, { feedback, feedbackAt: Date.now() });
    });
    this.feedbackError = false;
    try {
      await request((ack) => this.connection.socket.emit('prompt:feedback', { conversationId: prompt.conversationId, promptId: prompt.id, feedback }, ack), 15_000);
    } catch {
      this.feedbackError = true;
    }
  }

  /** "helpful" / "wrong" on a prompt, for the prompt-effectiveness report; rejects so the buttons can say so. */
  verdict(prompt: Prompt, verdict: Verdict): Promise<unknown> {
    return this.api.feedback({ conversationId: prompt.conversationId, target: 'prompt', id: prompt.id, verdict });
  }

  /** A new conversation's first turn and prompts arrive before its summary; they must not be dropped. */
  private withConversation(id: string, change: (c: ConversationView) => void): void {
    let c = this.conversations.find((x) => x.id === id);
    if (!c) {
      this.conversations.push(emptyView(id));
      c = this.conversations.at(-1)!;
    }
    change(c);
  }

  private onTurn({ conversationId, turn }: TurnEvent): void {
    this.withConversation(conversationId, (c) => {
      if (c.turns.some((x) => x.turnId === turn.turnId)) return;
      c.turns.push(turn);
      c.curve[turn.speaker].push({ turnId: turn.turnId, at: turn.at, valence: turn.score.valence, smoothed: turn.smoothed });
      delete c.partials[turn.speaker];
    });
  }

  private onAlert(alert: Alert): void {
    this.withConversation(alert.conversationId, (c) => upsert(c.alerts, alert));
  }

  private onSummary(summary: ConversationSummary): void {
    const shown = this.selected?.id;
    this.withConversation(summary.id, (c) => Object.assign(c, summary));
    if (summary.status !== 'ended') return;
    // The shown conversation stays shown when it ends (wrap-up), until the agent leaves it.
    if (shown === summary.id) this.selectedId = summary.id;
    const ended = this.conversations.filter((x) => x.status === 'ended' && x.id !== this.selectedId);
    if (ended.length > KEEP_ENDED) {
      const drop = new Set(ended.slice(0, ended.length - KEEP_ENDED).map((x) => x.id));
      this.conversations = this.conversations.filter((x) => !drop.has(x.id));
    }
  }
}

function emptyView(id: string): ConversationView {
  const now = Date.now();
  return {
    id,
    channel: 'chat',
    lang: 'en',
    status: 'live',
    startedAt: now,
    updatedAt: now,
    turnCount: 0,
    mood: { customer: null, agent: null },
    sparkline: [],
    openAlerts: 0,
    alertsTotal: 0,
    risk: 0,
    startSentiment: null,
    endSentiment: null,
    recovered: false,
    turns: [],
    partials: {},
    alerts: [],
    prompts: [],
    curve: { customer: [], agent: [] },
    complaints: [],
    characteristics: {},
  };
}

function upsert<T extends { id: string }>(list: T[], item: T): void {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) list.push(item);
  else list[i] = item;
}
