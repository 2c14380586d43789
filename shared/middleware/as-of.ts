// Scheduled handlers take an optional as-of date; EventBridge Scheduler sends its scheduled time, and a
// replay sends a past date. Absent, it is today in UTC.
import * as z from 'zod/mini';

export const ScheduledEvent = z.object({
  asOf: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO date such as 2025-10-15'))),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

export const asOfDate = (event: ScheduledEvent, now: () => Date = () => new Date()): string =>
  (event.asOf ?? now().toISOString()).slice(0, 10);
