/**
 * REST calls with the tab's token. Errors carry the HTTP status so screens can tell 401 from 404, and
 * the server's own message (every refusal has one), so screens show why rather than "Bad Request".
 */
import type {
  ConversationQuery,
  ChurnResponse,
  ConversationFacets,
  ConversationPage,
  ConversationView,
  Feedback,
  FeedbackReport,
  FeedbackRequest,
  MetricsReport,
  NoteResponse,
  QaSampleRequest,
  Refusal,
  QaSampleResponse,
  RestReplies,
  Scorecard,
  ScorecardEdit,
  ScorecardRollupResponse,
} from '../../../server/contract/index.ts';
import type { Me } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly refusal?: Refusal,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The archive's filters: the contract's list query, less the status the archive always sets. */
export type ArchiveQuery = Omit<ConversationQuery, 'status'>;

export class Api {
  constructor(private readonly token: string) {}

  /** One route's reply, typed by the contract's `RestReplies` under the route's name. */
  private async request<R extends keyof RestReplies>(_route: R, path: string, init: RequestInit = {}): Promise<RestReplies[R]> {
    let response: Response;
    try {
      response = await fetch(path, {
        ...init,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', ...init.headers },
      });
    } catch {
      throw new ApiError(0, 'the server cannot be reached');
    }
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => undefined);
      const refusal = isRefusal(body) ? body : undefined;
      throw new ApiError(response.status, refusal?.message ?? response.statusText, refusal);
    }
    return response.json();
  }

  me(): Promise<Me> {
    return this.request('me', '/api/me');
  }

  /** One page of ended conversations matching `q`, and how many match in all. */
  archive(q: ArchiveQuery): Promise<ConversationPage> {
    return this.request('conversations', `/api/conversations?${query({ status: 'ended', ...q })}`);
  }

  /** Every ended conversation matching `q`, in full, for a bulk export. */
  async archiveExport(q: ArchiveQuery): Promise<ConversationView[]> {
    const { offset: _o, limit: _l, ...filter } = q;
    return (await this.request('conversationExport', `/api/conversations/export?${query({ status: 'ended', ...filter })}`)).conversations;
  }

  facets(): Promise<ConversationFacets> {
    return this.request('facets', `/api/conversations/facets?${query({ status: 'ended' })}`);
  }

  conversation(id: string): Promise<ConversationView> {
    return this.request('conversation', `/api/conversations/${encodeURIComponent(id)}`);
  }

  saveNote(id: string, note: string): Promise<NoteResponse> {
    return this.request('note', `/api/conversations/${encodeURIComponent(id)}/note`, { method: 'PUT', body: JSON.stringify({ note }) });
  }

  // ---- service quality (server/api/quality.ts) ----

  metrics(q: Period & { status?: 'ended' | 'live' | 'all'; team?: string } = {}): Promise<MetricsReport> {
    return this.request('metrics', `/api/metrics/agents?${query(q)}`);
  }

  churn(q: Period = {}): Promise<ChurnResponse> {
    return this.request('churn', `/api/churn?${query(q)}`);
  }

  drawSample(body: QaSampleRequest): Promise<QaSampleResponse> {
    return this.request('sample', '/api/qa/samples', { method: 'POST', body: JSON.stringify(body) });
  }

  scorecard(conversationId: string): Promise<Scorecard> {
    return this.request('scorecard', `/api/qa/scorecards/${encodeURIComponent(conversationId)}`);
  }

  saveScorecard(conversationId: string, edit: ScorecardEdit): Promise<Scorecard> {
    return this.request('scorecard', `/api/qa/scorecards/${encodeURIComponent(conversationId)}`, { method: 'PUT', body: JSON.stringify(edit) });
  }

  rollup(q: Period = {}): Promise<ScorecardRollupResponse> {
    return this.request('rollup', `/api/qa/scorecards/rollup?${query(q)}`);
  }

  feedback(body: FeedbackRequest): Promise<Feedback> {
    return this.request('feedback', '/api/feedback', { method: 'POST', body: JSON.stringify(body) });
  }

  feedbackReport(q: Period = {}): Promise<FeedbackReport> {
    return this.request('feedbackReport', `/api/feedback/report?${query(q)}`);
  }

  /** The corrected turns as `text<TAB>label`; fetched with the token, so a plain link would not do. */
  async correctionsTsv(q: Period = {}): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`/api/feedback/export.tsv?${query(q)}`, { headers: { authorization: `Bearer ${this.token}` } });
    } catch {
      throw new ApiError(0, 'the server cannot be reached');
    }
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => undefined);
      throw new ApiError(response.status, isRefusal(body) ? body.message : response.statusText);
    }
    return response.text();
  }
}

/** A reporting period in epoch ms; either end may be left open (the server looks back 30 days). */
export interface Period {
  from?: number;
  to?: number;
}

function isRefusal(body: unknown): body is Refusal {
  return typeof body === 'object' && body !== null && (body as Refusal).ok === false && typeof (body as Refusal).message === 'string';
}

function query(q: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params;
}
