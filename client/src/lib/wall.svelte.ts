/**
 * The supervisor wall's state. Tiles live in a SvelteMap keyed by conversation id, so an update
 * re-renders one tile. The wall ranks by a tile's *ranked* risk, which is also the risk it shows:
 * it follows the live risk only when that moves by RANK_STEP points or more (hysteresis), so the
 * order always matches the figures on screen and a tile changes place only when its risk changes
 * meaningfully. Pinned tiles stay on top, in the order they were pinned.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { Alert, Severity } from '../../../server/contract/index.ts';
import { severityRank } from '../../../server/contract/index.ts';
import type { ConversationSummary, ConversationView } from '../../../server/contract/index.ts';
import type { Prompt } from '../../../server/contract/index.ts';
import type { OnlineSupervisor } from '../../../server/contract/index.ts';
import { Api } from './api.ts';
import { connectSupervisor, request, type LinkState } from './socket.ts';
import { loadWallPrefs, saveWallPrefs, type Density, type WallView } from './wall-prefs.ts';
import type { Verdict } from '../../../server/contract/index.ts';

/** Risk points a tile's live risk must move from its ranked risk before the tile re-ranks. */
export const RANK_STEP = 10;

export interface WallFilter {
  queue: string;
  agentId: string;
}

/** The unresolved alerts of one conversation, the unit the queue shows and acknowledges. */
export interface AlertGroup {
  conversationId: string;
  alerts: Alert[];
  open: Alert[];
  worst: Severity;
  /** How many alerts of each severity, worst first. */
  bySeverity: { severity: Severity; count: number }[];
  openedAt: number;
}

/** A new alert, worded once for the screen reader's live region. */
export interface Announcement {
  id: string;
  alert: Alert;
}

export class Wall {
  readonly tiles = new SvelteMap<string, ConversationSummary>();
  readonly alerts = new SvelteMap<string, Alert>();
  /** The risk each tile is ranked by and shows; see RANK_STEP. */
  readonly ranked = new SvelteMap<string, number>();
  readonly pinned: SvelteSet<string>;
  filter = $state<WallFilter>({ queue: '', agentId: '' });
  view = $state<WallView>('tiles');
  density = $state<Density>('comfortable');
  link = $state<LinkState>('connecting');
  /** Supervisors on the wall now, whom an alert can be assigned to. */
  online = $state.raw<OnlineSupervisor[]>([]);
  /** Conversations whose alerts other supervisors handed to me, newest first, until I dismiss them. */
  assignedToMe = $state<{ alert: Alert; by: string }[]>([]);
  /** The latest new alert, for the one live region that announces alerts. */
  announcement = $state<Announcement>();
  /** The conversation open in the detail drawer, kept live while watched. */
  watched = $state<ConversationView>();

  readonly queues = $derived([...new Set([...this.tiles.values()].map((t) => t.queue).filter((q): q is string => !!q))].sort());
  readonly agents = $derived([...new Set([...this.tiles.values()].map((t) => t.agentId).filter((a): a is string => !!a))].sort());

  /** Tile ids, pinned first (in pinning order), then by ranked risk, ties by who started first. */
  readonly order = $derived.by(() => {
    const pins = [...this.pinned].filter((id) => this.ranked.has(id));
    const rest = [...this.ranked]
      .filter(([id]) => !this.pinned.has(id))
      .sort(([a, ra], [b, rb]) => rb - ra || (this.startOf(a) - this.startOf(b)) || (a < b ? -1 : 1))
      .map(([id]) => id);
    return [...pins, ...rest];
  });

  readonly visible = $derived(this.order.filter((id) => this.matches(this.tiles.get(id))));

  /** Unresolved alerts of the conversations the filter shows, grouped per conversation: open and worst first, then oldest. */
  readonly groups = $derived.by(() => {
    const byConversation = new Map<string, Alert[]>();
    for (const a of this.alerts.values()) {
      if (a.state === 'resolved' || !this.matches(this.tiles.get(a.conversationId))) continue;
      const list = byConversation.get(a.conversationId) ?? [];
      list.push(a);
      byConversation.set(a.conversationId, list);
    }
    const groups: AlertGroup[] = [...byConversation].map(([conversationId, list]) => {
      const alerts = list.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.openedAt - b.openedAt);
      const counts = new Map<Severity, number>();
      for (const a of alerts) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
      return {
        conversationId,
        alerts,
        open: alerts.filter((a) => a.state === 'open'),
        worst: alerts[0]!.severity,
        bySeverity: [...counts].map(([severity, count]) => ({ severity, count })),
        openedAt: Math.min(...alerts.map((a) => a.openedAt)),
      };
    });
    return groups.sort(
      (a, b) => Number(b.open.length > 0) - Number(a.open.length > 0) || severityRank(b.worst) - severityRank(a.worst) || a.openedAt - b.openedAt,
    );
  });

  readonly openShown = $derived(this.groups.reduce((n, g) => n + g.open.length, 0));

  private readonly connection;
  private readonly api: Api;
  private readonly myId: string;

  constructor(token: string, me: { id: string }, onRefused: (message: string) => void) {
    this.api = new Api(token);
    this.myId = me.id;
    const prefs = loadWallPrefs();
    this.view = prefs.view;
    this.density = prefs.density;
    this.pinned = new SvelteSet(prefs.pinned);
    this.connection = connectSupervisor(token, (state) => (this.link = state), onRefused);
    const s = this.connection.socket;
    s.on('wall', (tiles) => this.onWall(tiles));
    // A fresh session (not recovered) is no longer in the drawer's watch room: watch it again, with a fresh view.
    s.on('connect', () => {
      if (!s.recovered && this.watched) void this.open(this.watched.id).catch(() => undefined);
    });
    s.on('conversation:update', (tile) => this.onTile(tile));
    s.on('supervisors', (online) => (this.online = online));
    s.on('alert', (a) => {
      const known = this.alerts.has(a.id);
      this.alerts.set(a.id, a);
      if (!known && a.state === 'open' && !this.outranked(a)) this.announcement = { id: a.id, alert: a };
    });
    s.on('alert:update', (a) => this.onAlertUpdate(a));
    s.on('alert:assigned', (e) => {
      this.onAlertUpdate(e.alert);
      // One note per conversation: a group assigned at once is one hand-over.
      this.assignedToMe = [e, ...this.assignedToMe.filter((x) => x.alert.conversationId !== e.alert.conversationId)];
    });
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
  }

  close(): void {
    this.connection.close();
  }

  /** The shown name of a supervisor id: their name while they are online, else the id itself. */
  nameOf(supervisorId: string): string {
    return this.online.find((s) => s.id === supervisorId)?.name ?? supervisorId;
  }

  isMe(supervisorId: string | undefined): boolean {
    return supervisorId === this.myId;
  }

  async acknowledge(alertId: string): Promise<void> {
    const alert = await request<Alert>((ack) => this.connection.socket.emit('alert:ack', { alertId }, ack));
    if (alert) this.onAlertUpdate(alert);
  }

  /** Acknowledges several alerts at once (a group, or everything the filter shows). */
  async acknowledgeAll(alerts: readonly Alert[]): Promise<void> {
    await Promise.all(alerts.filter((a) => a.state === 'open').map((a) => this.acknowledge(a.id)));
  }

  async assign(alerts: readonly Alert[], to: string): Promise<void> {
    for (const a of alerts) {
      const alert = await request<Alert>((ack) => this.connection.socket.emit('alert:assign', { alertId: a.id, to }, ack));
      if (alert) this.onAlertUpdate(alert);
    }
  }

  async whisper(conversationId: string, text: string): Promise<void> {
    await request<Prompt>((ack) => this.connection.socket.emit('whisper', { conversationId, text }, ack));
  }

  /** "helpful" / "wrong" on an alert, for the rule-precision report. */
  verdict(alert: Alert, verdict: Verdict): Promise<unknown> {
    return this.api.feedback({ conversationId: alert.conversationId, target: 'alert', id: alert.id, verdict });
  }

  togglePin(id: string): void {
    if (this.pinned.has(id)) this.pinned.delete(id);
    else this.pinned.add(id);
    this.savePrefs();
  }

  setView(view: WallView): void {
    this.view = view;
    this.savePrefs();
  }

  setDensity(density: Density): void {
    this.density = density;
    this.savePrefs();
  }

  dismissAssigned(conversationId: string): void {
    this.assignedToMe = this.assignedToMe.filter((x) => x.alert.conversationId !== conversationId);
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

  /** Alerts one turn opened together are announced once, as the most severe of them. */
  private outranked(a: Alert): boolean {
    const shown = this.announcement?.alert;
    return !!shown && shown.conversationId === a.conversationId && shown.openedAt === a.openedAt && severityRank(shown.severity) >= severityRank(a.severity);
  }

  private matches(tile: ConversationSummary | undefined): boolean {
    return !!tile && (!this.filter.queue || tile.queue === this.filter.queue) && (!this.filter.agentId || tile.agentId === this.filter.agentId);
  }

  private startOf(id: string): number {
    return this.tiles.get(id)?.startedAt ?? 0;
  }

  private savePrefs(): void {
    saveWallPrefs({ view: this.view, density: this.density, pinned: [...this.pinned] });
  }

  /** Moves the tile's ranked risk to its live risk when it is new or has moved by RANK_STEP or more. */
  private rank(tile: ConversationSummary): void {
    const ranked = this.ranked.get(tile.id);
    if (ranked === undefined || Math.abs(tile.risk - ranked) >= RANK_STEP) this.ranked.set(tile.id, tile.risk);
  }

  private drop(id: string): void {
    this.tiles.delete(id);
    this.ranked.delete(id);
    for (const [alertId, alert] of this.alerts) if (alert.conversationId === id) this.alerts.delete(alertId);
  }

  private onWall(tiles: ConversationSummary[]): void {
    this.tiles.clear();
    // A wall after a reconnect replaces everything: an alert acknowledged meanwhile must not stay open here.
    this.alerts.clear();
    this.ranked.clear();
    for (const tile of tiles) {
      this.tiles.set(tile.id, tile);
      this.rank(tile);
    }
    // The wall carries counts, not alerts; fetch the alerts of the tiles that have some.
    for (const tile of tiles.filter((x) => x.alertsTotal > 0)) {
      this.api.conversation(tile.id).then(
        (view) => view.alerts.forEach((a) => this.alerts.set(a.id, a)),
        () => undefined,
      );
    }
  }

  private onTile(tile: ConversationSummary): void {
    if (this.watched?.id === tile.id) Object.assign(this.watched, tile);
    if (tile.status === 'ended') {
      this.drop(tile.id);
      return;
    }
    this.tiles.set(tile.id, tile);
    this.rank(tile);
  }

  private onAlertUpdate(alert: Alert): void {
    if (this.tiles.has(alert.conversationId)) this.alerts.set(alert.id, alert);
    const w = this.watched;
    if (w?.id === alert.conversationId) {
      const i = w.alerts.findIndex((a) => a.id === alert.id);
      if (i === -1) w.alerts.push(alert);
      else w.alerts[i] = alert;
    }
  }

  private onPrompt(prompt: Prompt): void {
    const w = this.watched;
    if (w?.id !== prompt.conversationId) return;
    const i = w.prompts.findIndex((p) => p.id === prompt.id);
    if (i === -1) w.prompts.push(prompt);
    else w.prompts[i] = prompt;
  }
}
