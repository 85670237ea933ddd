import { z } from 'zod';

/** The latest instant a JavaScript Date holds (in the year 275760): a later number is a typo, and would not print as a date. */
const MAX_DATE_MS = 8_640_000_000_000_000;

/** A time in a query or a body: epoch milliseconds, an ISO 8601 date-time, or a date (UTC midnight). */
export const EpochParam = z.union([
  z.coerce.number().int().nonnegative().max(MAX_DATE_MS, 'must be a date before the year 275760'),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(s)),
], { error: 'must be epoch milliseconds, an ISO 8601 date-time or a date' });
