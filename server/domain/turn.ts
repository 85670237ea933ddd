/** The nouns of one turn, from accepted text to scored result. Pure types, no I/O. */

export type Speaker = 'customer' | 'agent';
export type Channel = 'chat' | 'voice';
export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** A turn as accepted by ingest: validated, defaulted, PII already redacted. */
export interface Turn {
  conversationId: string;
  turnId: string;
  speaker: Speaker;
  text: string;
  channel: Channel;
  /** false = a partial ASR segment: shown live, never scored. */
  final: boolean;
  /** Epoch milliseconds: when the utterance began, or when a chat message was sent. */
  at: number;
  /**
   * Epoch milliseconds the utterance ended, where the source says (Contact Lens EndOffsetMillis, cue
   * ends, Genesys durations). A chat message has none: it is an instant at its send time `at`.
   */
  endAt?: number;
  agentId?: string;
  customerId?: string;
  queue?: string;
  lang?: string;
}

export interface EmotionScore {
  label: string;
  confidence: number;
  probabilities: Record<string, number>;
}

/** What the scoring stage says about one text. */
export interface Score {
  label: SentimentLabel;
  /** P(positive) - P(negative), in [-1, 1]. */
  valence: number;
  /** Calibrated probability of the chosen label. */
  confidence: number;
  probabilities: Record<SentimentLabel, number>;
  /** Set when the text is too short or in a language the model was not trained on. */
  lowConfidence: boolean;
  emotion?: EmotionScore;
  model: string;
  latencyMs: number;
}

export interface ScoredTurn extends Turn {
  score: Score;
  /** The speaker's smoothed valence after this turn (see curve.ts). */
  smoothed: number;
}
