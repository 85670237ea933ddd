import type { Alert } from './alert.ts';
import type { SentimentLabel, Speaker } from './turn.ts';

/**
 * The service-quality records a conversation carries: the agent's checklist, graded complaints,
 * feedback on alerts and prompts, a QA scorecard. server/quality computes them; these are the nouns
 * and the two views a wall tile needs, pure like the rest of the domain.
 */

export const CHECKLIST_ITEMS = ['greeting', 'identity', 'polite', 'commitment', 'summary', 'closing'] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number];
export type ComplaintGrade = 'general' | 'complex' | 'major';

export type ChecklistStatus = 'done' | 'partial' | 'missing';

export interface ChecklistItem {
  id: ChecklistItemId;
  /** `partial` only for a commitment without a time. */
  status: ChecklistStatus;
  /** The agent turn that ticked it. */
  turnId?: string;
  at?: number;
  /** The words that matched. */
  evidence?: string;
}

export interface Checklist {
  queue: string;
  items: ChecklistItem[];
  /** 0..1: done items count 1, partial ones half. */
  score: number;
}

export interface ComplaintDeadlines {
  /** Major complaints only: a manager must have taken it by then. */
  managerBy?: number;
  /** The customer must have had an answer by then. */
  respondBy: number;
  /** The problem must be resolved by then. */
  resolveBy: number;
}

/**
 * Why something fired, as a code and its parameters: the screens word it in their language, and
 * `points` is what it added to a complaint's grade (absent when it decides the grade outright).
 */
export interface Reason {
  code: string;
  params?: Record<string, string | number>;
  points?: number;
}

export interface Complaint {
  /** The episode's first customer turn id: stable as the episode grows and is re-graded. */
  id: string;
  grade: ComplaintGrade;
  points: number;
  /** Each thing that earned points or decided the grade. */
  reasons: Reason[];
  startedAt: number;
  /** When the customer's mood went back to zero or above; absent while the episode goes on. */
  endedAt?: number;
  turnIds: string[];
  lowestMood: number;
  deadlines: ComplaintDeadlines;
  /** Who must take it: major complaints go to a manager. */
  owner: 'supervisor' | 'manager';
}

const GRADE_RANK: Record<ComplaintGrade, number> = { general: 0, complex: 1, major: 2 };

function gradeRank(grade: ComplaintGrade): number {
  return GRADE_RANK[grade];
}

/** The complaint a wall tile shows: the highest grade, the latest of equals. */
export function headlineComplaint(complaints: readonly Complaint[]): Complaint | undefined {
  return complaints.reduce<Complaint | undefined>((best, c) => (best === undefined || gradeRank(c.grade) >= gradeRank(best.grade) ? c : best), undefined);
}

/** The earliest acknowledgement deadline among open alerts, for the wall's countdown. */
export function earliestAckDue(alerts: readonly Alert[]): number | undefined {
  const due = alerts.filter((a) => a.state === 'open' && a.ackDueAt !== undefined).map((a) => a.ackDueAt!);
  return due.length === 0 ? undefined : Math.min(...due);
}

export type Verdict = 'wrong' | 'helpful';
export type FeedbackTarget = 'alert' | 'prompt';

export interface FeedbackTurn {
  turnId: string;
  speaker: Speaker;
  text: string;
  label: SentimentLabel;
  valence: number;
  smoothed: number;
  probabilities: Record<SentimentLabel, number>;
  emotion?: string;
}

export interface Feedback {
  id: string;
  target: FeedbackTarget;
  targetId: string;
  /** The alert's rule or the prompt's source. */
  rule: string;
  verdict: Verdict;
  /** What the turn's sentiment really was, when the model got it wrong. */
  correctLabel?: SentimentLabel;
  by: string;
  role: string;
  at: number;
  /** The turn the alert or prompt was about, as it was scored. */
  turn?: FeedbackTurn;
}

export interface ScorecardCriterion {
  id: string;
  label: string;
  weight: number;
  /** Whole points, 0 to the scorecard's scale; null until someone (or the auto-fill) scores it. */
  score: number | null;
  /** How the score was set: by the auto-fill, or by a person. */
  source: 'auto' | 'qa' | null;
  note?: string;
}

export interface Scorecard {
  conversationId: string;
  agentId?: string;
  /** The sample it was drawn in, `<from>..<to>#<seed>`. */
  sampleId?: string;
  criteria: ScorecardCriterion[];
  /** Criteria score 0..scale, in whole points (config `scorecard.scale` when the card was made). */
  scale: number;
  /** 0..100; null while nothing is scored. */
  total: number | null;
  status: 'draft' | 'final';
  comment?: string;
  createdAt: number;
  updatedAt: number;
  updatedBy?: string;
}
