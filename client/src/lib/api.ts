/** REST calls with the tab's token. Errors carry the HTTP status so screens can tell 401 from 404. */
import type { ConversationView } from '../../../server/domain/conversation.ts';
import type {
  ChurnResponse,
  ConversationFacets,
  ConversationPage,
  Feedback,
  FeedbackReport,
  FeedbackRequest,
  MetricsReport,
  QaSampleRequest,
  QaSampleResponse,
  Scorecard,
  ScorecardEdit,
  ScorecardRollupResponse,
} from '../../../server/realtime/events.ts';
import type { Me } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ArchiveQuery {
  q?: string;
  queue?: string;
  customerId?: string;
  grade?: 'none' | 'general' | 'complex' | 'major';
  offset?: number;
  agentId?: string;
  from?: number;
  to?: number;
  minSentiment?: number;
  hasAlerts?: boolean;
  recovered?: boolean;
  limit?: number;
}

export class Api {
  constructor(private readonly token: string) {}

  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        ...init,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', ...init.headers },
      });
    } catch {
      throw new ApiError(0, 'the server cannot be reached');
    }
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) throw new ApiError(response.status, body.error ?? response.statusText);
    return body as T;
  }

  me(): Promise<Me> {
    return this.request('/api/me');
  }

  /** One page of ended conversations matching `q`, and how many match in all. */
  archive(q: ArchiveQuery): Promise<ConversationPage> {
    return this.request(`/api/conversations?${query({ status: 'ended', ...q })}`);
  }

  /** Every ended conversation matching `q`, in full, for a bulk export. */
  async archiveExport(q: ArchiveQuery): Promise<ConversationView[]> {
    const { offset: _o, limit: _l, ...filter } = q;
    return (await this.request<{ conversations: ConversationView[] }>(`/api/conversations/export?${query({ status: 'ended', ...filter })}`)).conversations;
  }

  facets(): Promise<ConversationFacets> {
    return this.request(`/api/conversations/facets?${query({ status: 'ended' })}`);
  }

  conversation(id: string): Promise<ConversationView> {
    return this.request(`/api/conversations/${encodeURIComponent(id)}`);
  }

  saveNote(id: string, note: string): Promise<{ ok: true; qaNote: string }> {
    return this.request(`/api/conversations/${encodeURIComponent(id)}/note`, { method: 'PUT', body: JSON.stringify({ note }) });
  }

  // ---- service quality (server/api/quality.ts) ----

  metrics(q: Period & { status?: 'ended' | 'live' | 'all'; team?: string } = {}): Promise<MetricsReport> {
    return this.request(`/api/metrics/agents?${query(q)}`);
  }

  churn(q: Period = {}): Promise<ChurnResponse> {
    return this.request(`/api/churn?${query(q)}`);
  }

  drawSample(body: QaSampleRequest): Promise<QaSampleResponse> {
    return this.request('/api/qa/samples', { method: 'POST', body: JSON.stringify(body) });
  }

  scorecard(conversationId: string): Promise<Scorecard> {
    return this.request(`/api/qa/scorecards/${encodeURIComponent(conversationId)}`);
  }

  saveScorecard(conversationId: string, edit: ScorecardEdit): Promise<Scorecard> {
    return this.request(`/api/qa/scorecards/${encodeURIComponent(conversationId)}`, { method: 'PUT', body: JSON.stringify(edit) });
  }

  rollup(q: Period = {}): Promise<ScorecardRollupResponse> {
    return this.request(`/api/qa/scorecards/rollup?${query(q)}`);
  }

  feedback(body: FeedbackRequest): Promise<Feedback> {
    return this.request('/api/feedback', { method: 'POST', body: JSON.stringify(body) });
  }

  feedbackReport(q: Period = {}): Promise<FeedbackReport> {
    return this.request(`/api/feedback/report?${query(q)}`);
  }

  /** The corrected turns as `text<TAB>label`; fetched with the token, so a plain link would not do. */
  async correctionsTsv(q: Period = {}): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`/api/feedback/export.tsv?${query(q)}`, { headers: { authorization: `Bearer ${this.token}` } });
    } catch {
      throw new ApiError(0, 'the server cannot be reached');
    }
    if (!response.ok) throw new ApiError(response.status, response.statusText);
    return response.text();
  }
}

/** A reporting period in epoch ms; either end may be left open (the server looks back 30 days). */
export interface Period {
  from?: number;
  to?: number;
}

function query(q: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params;
}
