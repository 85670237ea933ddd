import type { Response } from 'express';
import type { z } from 'zod';
import type { FieldError, Refusal, RefusalCode } from '../contract/index.ts';

/**
 * Building and sending the one refusal shape (`Refusal` in the wire contract): every route, every
 * socket ack and the ingest door answer "no" through these, so a screen can always show `message`.
 */

export const STATUS_OF: Record<RefusalCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown: 404,
  conflict: 409,
  ended: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  saturated: 503,
  unavailable: 503,
};

/** The fields a zod error names, each with its reason; `root` names the value itself ("(turn)", "(body)"). */
export function fieldErrors(error: z.ZodError, root = '(body)'): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || root, message: i.message }));
}

/** "speaker: must be …; text: must not be empty": field errors as one line, for messages and start-up errors. */
export function errorsText(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}

export function refusal(code: RefusalCode, message: string, errors?: FieldError[], retryAfterS?: number): Refusal {
  return { ok: false, code, message, ...(errors ? { errors } : {}), ...(retryAfterS === undefined ? {} : { retryAfterS }) };
}

/** `invalid`, with every field at fault; the message names them. */
export function invalid(errors: FieldError[]): Refusal {
  return refusal('invalid', errorsText(errors), errors);
}

export const invalidInput = (error: z.ZodError, root?: string): Refusal => invalid(fieldErrors(error, root));

/** Sends a refusal with the status its code stands for (and Retry-After when it says when). */
export function refuse(res: Response, r: Refusal): void {
  if (r.retryAfterS !== undefined) res.setHeader('Retry-After', String(r.retryAfterS));
  res.status(STATUS_OF[r.code]).json(r);
}
