/**
 * The supervisor wall's state. Tiles live in a SvelteMap keyed by conversation id, so an update
 * re-renders one tile. The order is recomputed at most every RERANK_MS: between re-ranks a tile
 * changes in place, so the wall does not jump under the supervisor's eyes on every turn.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { Alert } from '../../../server/contract/index.ts';
import { severityRank } from '../../../server/contract/index.ts';
import type { ConversationSummary, ConversationView } from '../../../server/contract/index.ts';
import type { Prompt } from '../../../server/contract/index.ts';
import { Api } from './api.ts';
import { connectSupervisor, request, type LinkState } from './socket.ts';
import type { Verdict } from '../../../server/contract/index.ts';

export const RERANK_MS = 2500;

export interface WallFilter {
  queue: string;
  agentId: string;
}

export class Wall {
  readonly tiles = new SvelteMap<string, ConversationSummary>();
  readonly alerts = new SvelteMap<string, Alert>();
  /** Tile ids, most in need of help first, as of the last re-rank (new arrivals appended). */
  order = $state.raw<string[]>([]);
  filter = $state<WallFilter>({ queue: '', agentId: '' });
  link = $state<LinkState>('connecting');
  /** The conversation open in the detail drawer, kept live while watched. */
  watched = $state<ConversationView>();

  readonly queues = $derived([...new Set([...this.tiles.values()].map((t) => t.queue).filter((q): q is string => !!q))].sort());
  readonly agents = $derived([...new Set([...this.tiles.values()].map((t) => t.agentId).filter((a): a is string => !!a))].sort());
  readonly visible = $derived(
    this.order.filter((id) => {
      const tile = this.tiles.get(id);
      return !!tile && (!this.filter.queue || tile.queue === this.filter.queue) && (!this.filter.agentId || tile.agentId === this.filter.agentId);
    }),
  );
  /** Unresolved alerts: open ones first, then by severity, oldest first. */
  readonly queue = $derived(
    [...this.alerts.values()]
      .filter((a) => a.state !== 'resolved' && this.tiles.has(a.conversationId))
      .sort(
        (a, b) =>
          Number(a.state !== 'open') - Number(b.state !== 'open') || severityRank(b.severity) - severityRank(a.severity) || a.openedAt - b.openedAt,
      ),
  );

  private readonly connection;
  private readonly api: Api;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(token: string, onRefused: (message: string) => void) {
    this.api = new Api(token);
    this.connection = connectSupervisor(token, (state) => (this.link = state), onRefused);
    const s = this.connection.socket;
    s.on('wall', (tiles) => this.onWall(tiles));
    // A fresh session (not recovered) is no longer in the drawer's watch room: watch it again, with a fresh view.
    s.on('connect', () => {
      if (!s.recovered && this.watched) void this.open(this.watched.id).catch(() => undefined);
    });
    s.on('conversation:update', (tile) => this.onTile(tile));
    s.on('alert', (a) => this.alerts.set(a.id, a));
    s.on('alert:update', (a) => this.onAlertUpdate(a));
    s.on('turn', ({ conversationId, turn }) => {
      const w = this.watched;
      if (w?.id !== conversationId || w.turns.some((x) => x.turnId === turn.turnId)) return;
      w.turns.push(turn);
      delete w.partials[turn.speaker];
    });
    s.on('partial', ({ conversationId, speaker, text }) => {
      if (this.watched?.id === conversationId) this.watched.partials[speaker] = { text, at: Date.now() };
    });
    s.on('prompt', (p) => this.onPrompt(p));
    this.timer = setInterval(() => this.rerank(), RERANK_MS);
  }

  close(): void {
    clearInterval(this.timer);
    this.connection.close();
  }

  async acknowledge(alertId: string): Promise<void> {
    const alert = await request<Alert>((ack) => this.connection.socket.emit('alert:ack', { alertId }, ack));
    if (alert) this.onAlertUpdate(alert);
  }

  async assign(alertId: string, to: string): Promise<void> {
    const alert = await request<Alert>((ack) => this.connection.socket.emit('alert:assign', { alertId, to }, ack));
    if (alert) this.onAlertUpdate(alert);
  }

  async whisper(conversationId: string, text: string): Promise<void> {
    await request<Prompt>((ack) => this.connection.socket.emit('whisper', { conversationId, text }, ack));
  }

  /** "helpful" / "wrong" on an alert, for the rule-precision report. */
  verdict(alert: Alert, verdict: Verdict): Promise<unknown> {
    return this.api.feedback({ conversationId: alert.conversationId, target: 'alert', id: alert.id, verdict });
  }

  async open(conversationId: string): Promise<void> {
    if (this.watched && this.watched.id !== conversationId) this.closeDrawer();
    const view = await request<ConversationView>((ack) => this.connection.socket.emit('watch', { conversationId }, ack));
    this.watched = view;
    for (const a of view?.alerts ?? []) this.alerts.set(a.id, a);
  }

  closeDrawer(): void {
    if (this.watched) this.connection.socket.emit('unwatch', { conversationId: this.watched.id });
    this.watched = undefined;
  }

  /** Ranks by risk now; ended conversations leave the wall at this moment, not mid-interval. */
  rerank(): void {
    for (const [id, tile] of this.tiles) if (tile.status === 'ended') this.tiles.delete(id);
    for (const [id, alert] of this.alerts) if (!this.tiles.has(alert.conversationId)) this.alerts.delete(id);
    const next = [...this.tiles.values()].sort((a, b) => b.risk - a.risk || a.startedAt - b.startedAt).map((t) => t.id);
    if (next.length !== this.order.length || next.some((id, i) => id !== this.order[i])) this.order = next;
  }

  private onWall(tiles: ConversationSummary[]): void {
    this.tiles.clear();
    // A wall after a reconnect replaces everything: an alert acknowledged meanwhile must not stay open here.
    this.alerts.clear();
    for (const tile of tiles) this.tiles.set(tile.id, tile);
    this.rerank();
    // The wall carries counts, not alerts; fetch the alerts of the tiles that have some.
    for (const tile of tiles.filter((x) => x.alertsTotal > 0)) {
      this.api.conversation(tile.id).then(
        (view) => view.alerts.forEach((a) => this.alerts.set(a.id, a)),
        () => undefined,
      );
    }
  }

  private onTile(tile: ConversationSummary): void {
    const known = this.tiles.has(tile.id);
    this.tiles.set(tile.id, tile);
    if (!known && tile.status === 'live') this.order = [...this.order, tile.id];
    if (this.watched?.id === tile.id) Object.assign(this.watched, tile);
  }

  private onAlertUpdate(alert: Alert): void {
    this.alerts.set(alert.id, alert);
    const w = this.watched;
    if (w?.id === alert.conversationId) {
      const i = w.alerts.findIndex((a) => a.id === alert.id);
      if (i === -1) w.alerts.push(alert);
      else w.alerts[i] = alert;
    }
  }

  private onPrompt(prompt: Prompt): void {
    const w = this.watched;
    if (w?.id === prompt.conversationId && !w.prompts.some((p) => p.id === prompt.id)) w.prompts.push(prompt);
  }
}
