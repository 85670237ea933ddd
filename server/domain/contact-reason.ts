/** Why the customer is contacting, as Rapport settled it from their first turns. Pure types. */

export interface ContactReason {
  /** A keyword reason's id from config/analytics.yaml, or the intent model's label. */
  id: string;
  /** In the conversation's language where the config gives one; the intent label in words otherwise. */
  label: string;
  source: 'keywords' | 'model';
  /** 1 for a keyword match; the model's calibrated probability otherwise. */
  confidence: number;
  /** The customer turn it came from. */
  turnId: string;
  /** The phrase that matched (keywords). */
  evidence?: string;
}

/** An intent model's best guess for one customer turn. */
export interface IntentGuess {
  label: string;
  confidence: number;
}

/** "card_arrival" -> "card arrival": a model label in words. */
export function intentInWords(label: string): string {
  return label.replace(/[_-]+/gu, ' ').trim();
}
