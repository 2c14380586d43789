// An escalation episode as stored: who was told at which tier and when, and who acknowledged. Shared by the
// decisions (escalation.ts) and the messages rendered from them (escalation-message.ts).
import * as z from 'zod/mini';
import { Band as BandSchema, type IsoDate, IsoDate as IsoDateSchema, Subject } from './model.js';
import { PartyRole, RecipientKind as RecipientKindSchema, type Tier, TIERS, Tier as TierSchema } from './protocol.js';

export const Recipient = z.strictObject({
  /** The SNS filter value: a council's GSS code, an ADASS network id, or the national oversight id. */
  id: z.string(),
  kind: RecipientKindSchema,
  name: z.string(),
});
export type Recipient = z.infer<typeof Recipient>;

export const CHANGE_KINDS = ['opened', 'raised', 'worsened', 'reminder', 'stood-down'] as const;
export const ChangeKind = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKind>;

/** One recipient told at one tier: the response target runs from the day it was first told at that tier. */
export const Notification = z.strictObject({
  tier: TierSchema,
  recipient: Recipient,
  notifiedOn: IsoDateSchema,
  dueOn: IsoDateSchema,
  /** Set when the reminder goes: at most one reminder per tier per recipient. */
  remindedOn: z.nullable(IsoDateSchema),
});
export type Notification = z.infer<typeof Notification>;

export const Acknowledgement = z.strictObject({
  episodeId: z.string(),
  tier: TierSchema,
  recipientId: z.string(),
  role: PartyRole,
  /** The caller's user id: personal data, so it stays in the system and is never sent. */
  by: z.string(),
  on: IsoDateSchema,
});
export type Acknowledgement = z.infer<typeof Acknowledgement>;

export const Episode = z.object({
  episodeId: z.string(),
  subject: Subject,
  name: z.string(),
  openedOn: IsoDateSchema,
  status: z.enum(['open', 'stood-down']),
  tier: TierSchema,
  /** The highest band notified; a higher one is a worsening. */
  band: BandSchema,
  /** Every hard trigger notified; a trigger not among them is a worsening. */
  hardTriggers: z.array(z.string()),
  /** Bumped on every change that is notified: part of each message's idempotency key. */
  change: z.int(),
  lastChangedOn: IsoDateSchema,
  /** The assessment that last changed the episode: one of that date or earlier (a replay) decides nothing. */
  lastAssessedOn: IsoDateSchema,
  /** Consecutive assessments below the exit threshold. */
  belowExitCount: z.int().check(z.nonnegative()),
  notifications: z.array(Notification),
  /** Stored beside the episode, one item each, so an acknowledgement never races a decision. */
  acknowledgements: z.array(Acknowledgement),
});
export type Episode = z.infer<typeof Episode>;

export const higherTier = (a: Tier, b: Tier): Tier => (TIERS.indexOf(a) >= TIERS.indexOf(b) ? a : b);

export const isAcknowledged = (episode: Episode, tier: Tier, recipientId: string) =>
  episode.acknowledgements.some((ack) => ack.tier === tier && ack.recipientId === recipientId);

export function addWorkingDays(from: IsoDate, days: number): IsoDate {
  const date = new Date(`${from}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date.toISOString().slice(0, 10);
}
