/** Why an alert, a prompt or a complaint grade fired, worded in the screen's language. */
import type { Alert } from '../../../server/domain/alert.ts';

export function alertReason(alert: Alert): string {
  return alert.reason;
}
