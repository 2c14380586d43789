// What a recipient actually receives: one notice per subject family per day. A location, its provider and its
// group each keep their own episode (their own state, acknowledgements and audit), but when several of them
// change on the same day the recipient gets one notice about the widest subject that lists the narrower
// ones, with a reminder due that day folded in too. A recipient the protocol puts on a daily digest gets one
// notice a day listing every change for it. Pure: pending messages in, notices out, the same notices for
// the same messages, so a rerun after a crash re-sends a notice under its first key.
import * as z from 'zod/mini';
import { type EscalationMessage, EscalationMessage as EscalationMessageSchema } from './escalation-message.js';
import type { IsoDate, SubjectType } from './model.js';
import { type Tier, TIERS } from './protocol.js';

export const NOTICE_FORMATS = ['family', 'digest'] as const;
export const NoticeFormat = z.enum(NOTICE_FORMATS);
export type NoticeFormat = z.infer<typeof NoticeFormat>;

/** A change listed inside a notice about a wider subject (or in a digest): enough to act on it alone. */
export const CoveredChange = z.strictObject({
  idempotencyKey: z.string(),
  episodeId: z.string(),
  change: z.int(),
  changeKind: EscalationMessageSchema.shape.changeKind,
  tier: EscalationMessageSchema.shape.tier,
  subject: EscalationMessageSchema.shape.subject,
  band: EscalationMessageSchema.shape.band,
  hardTriggers: z.array(z.string()),
  reviewOn: z.string(),
  acknowledgementRequested: z.boolean(),
  summary: z.string(),
});
export type CoveredChange = z.infer<typeof CoveredChange>;

/**
 * The notice as published: the widest subject's message, whole, and the other changes it covers. `tier` is
 * the highest tier among them, so the notice goes on the most urgent topic.
 */
export const EscalationNotice = z.extend(EscalationMessageSchema, {
  format: NoticeFormat,
  alsoCovers: z.array(CoveredChange),
});
export type EscalationNotice = z.infer<typeof EscalationNotice>;

/** A message waiting in the outbox, with what folding needs to know about it. */
export interface PendingMessage {
  message: EscalationMessage;
  /** The widest subject it belongs to: the group of its provider, else its provider. */
  familyId: string;
  /** The day the decision was made: notices fold only the changes of one day. */
  decidedOn: IsoDate;
  /** Set once a run has claimed it for a notice: a rerun sends that same notice again. */
  dispatch: { key: string; format: NoticeFormat } | null;
}

/** A notice to send and the messages it stands for, the widest first. */
export interface PlannedNotice {
  key: string;
  format: NoticeFormat;
  messages: EscalationMessage[];
  notice: EscalationNotice;
}

/**
 * The field classes a notice disclosed of each message it stands for: the main message whole, and of the
 * others only their listed summary (subject, band, tier, triggers, dates), which is public and official.
 */
export function disclosedClasses(planned: PlannedNotice, messageKey: string): EscalationMessage['fieldClasses'] {
  const message = planned.messages.find((m) => m.idempotencyKey === messageKey);
  if (!message) throw new Error(`notice ${planned.key} does not stand for message ${messageKey}`);
  return message === planned.messages[0] ? message.fieldClasses : message.fieldClasses.filter((c) => c === 'public' || c === 'official');
}

/**
 * Several dozen narrower subjects under one group are listed across several notices, so that claiming one
 * notice's messages fits in one DynamoDB transaction (two actions per message, at most 100 actions).
 */
export const MAX_CHANGES_PER_NOTICE = 40;

const SUBJECT_RANK: Record<SubjectType, number> = { group: 0, provider: 1, location: 2 };
const tierRank = (tier: Tier) => TIERS.indexOf(tier);

/** Widest subject first, then the highest tier, then the key: the first is the notice's main message. */
const widestFirst = (a: EscalationMessage, b: EscalationMessage) =>
  SUBJECT_RANK[a.subject.type] - SUBJECT_RANK[b.subject.type] || tierRank(b.tier) - tierRank(a.tier) || a.idempotencyKey.localeCompare(b.idempotencyKey);

/** A listed change keeps its summary without its own marking: the notice's marking covers what it carries. */
function covered(m: EscalationMessage): CoveredChange {
  const { idempotencyKey, episodeId, change, changeKind, tier, subject, band, hardTriggers, reviewOn, acknowledgementRequested, summary } = m;
  return { idempotencyKey, episodeId, change, changeKind, tier, subject, band, hardTriggers, reviewOn, acknowledgementRequested, summary: summary.replace(/^\[[A-Z-]+\] /, '') };
}

const coveredLine = (c: CoveredChange) =>
  `- ${c.summary}. ${c.acknowledgementRequested ? `Please acknowledge episode ${c.episodeId} by ${c.reviewOn}.` : 'No response is asked for.'}`;

/** One notice from the messages of one recipient: the widest first and whole, the rest listed. */
export function noticeOf(messages: readonly EscalationMessage[], format: NoticeFormat): EscalationNotice {
  const [main, ...rest] = [...messages].sort(widestFirst);
  if (!main) throw new Error('a notice needs at least one message');
  const recipients = new Set(messages.map((m) => m.recipient.id));
  if (recipients.size > 1) throw new Error(`a notice has one recipient, not ${[...recipients].join(', ')}`);
  const alsoCovers = rest.map(covered);
  const tier = messages.map((m) => m.tier).reduce((a, b) => (tierRank(b) > tierRank(a) ? b : a));
  if (alsoCovers.length === 0) return { ...main, tier, format, alsoCovers };
  // A family split over several notices can lead a later part with one service rather than the organisation.
  const heading =
    format === 'digest'
      ? `Also today for ${main.recipient.name}:`
      : main.subject.type === 'location'
        ? 'Also today, about other services of the same organisation:'
        : `Also about ${main.subject.name} and the services under it today:`;
  return {
    ...main,
    tier,
    format,
    alsoCovers,
    summary: `${main.summary} (and ${alsoCovers.length} related change${alsoCovers.length === 1 ? '' : 's'})`,
    body: [main.body, '', heading, ...alsoCovers.map(coveredLine)].join('\n'),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * Plans the notices for everything pending: messages already claimed keep their notice; the rest are grouped
 * by recipient, day and subject family (or by recipient and day for a digest recipient).
 */
export function planNotices(pending: readonly PendingMessage[], wantsDigest: (recipientId: string) => boolean): PlannedNotice[] {
  const groups = new Map<string, { format: NoticeFormat; claimedAs: string | null; messages: EscalationMessage[] }>();
  for (const p of pending) {
    const format: NoticeFormat = p.dispatch?.format ?? (wantsDigest(p.message.recipient.id) ? 'digest' : 'family');
    const groupKey = p.dispatch ? `claimed|${p.dispatch.key}` : `${p.message.recipient.id}|${p.decidedOn}|${format === 'digest' ? '' : p.familyId}`;
    const group = groups.get(groupKey) ?? { format, claimedAs: p.dispatch?.key ?? null, messages: [] };
    group.messages.push(p.message);
    groups.set(groupKey, group);
  }
  return [...groups.values()].flatMap(({ format, claimedAs, messages }) => {
    const sorted = [...messages].sort(widestFirst);
    return (claimedAs ? [sorted] : chunks(sorted, MAX_CHANGES_PER_NOTICE)).map((part) => {
      const notice = noticeOf(part, format);
      const key = claimedAs ?? noticeKey(notice);
      return { key, format, messages: part, notice: { ...notice, idempotencyKey: key } };
    });
  });
}

/** A family notice keeps its main message's key; a digest's names the recipient's day. */
const noticeKey = (notice: EscalationNotice) =>
  notice.format === 'digest' && notice.alsoCovers.length > 0 ? `digest#${notice.recipient.id}#${notice.idempotencyKey}` : notice.idempotencyKey;
