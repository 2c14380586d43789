// Draining the escalation outbox: the publisher Lambda's work, which the escalate Lambda also does right
// after deciding. For every pending message: fold the day's messages into one notice per recipient and
// subject family (or a digest), record each disclosure and claim the messages before publishing, publish,
// then mark each notice published on its own. A notice that keeps failing goes to the dead-letter queue.
// Safe to run again at any point: a claimed notice is re-sent under its first key, which subscribers drop.
import pMap from 'p-map';
import type { IsoDate } from '../domain/model.js';
import { type PlannedNotice, planNotices } from '../domain/notice-folding.js';
import type { Protocol, Tier } from '../domain/protocol.js';
import type { DeadLetters, Notifier, OutboxStore, PublishOutcome } from '../ports/escalations.js';

/** Publish runs a notice may fail in before it is dead-lettered (each run already retries SNS itself). */
export const MAX_PUBLISH_RUNS = 3;
/** Notices claimed or marked at once: each is its own small transaction or set of updates. */
const STORE_CONCURRENCY = 8;

export interface DrainPorts {
  outbox: OutboxStore;
  notifier: Notifier;
  deadLetters: DeadLetters;
}

export interface DrainReport {
  /** Notices published, and the messages (changes per recipient) they carried. */
  published: number;
  messagesPublished: number;
  byTier: Record<Tier, number>;
  /** Notices that failed this run and stay pending for the next. */
  failed: string[];
  deadLettered: string[];
}

/**
 * Publishes every pending message. `disclosedOn` is the day of disclosure: the wall clock's day live, the
 * delivery date in a replay; never a replayed as-of date.
 */
export async function drainOutbox(ports: DrainPorts, disclosedOn: IsoDate, protocol: Protocol): Promise<DrainReport> {
  await ports.outbox.releaseStaged();
  const pending = await ports.outbox.pendingOutbox();
  const planned = planNotices(pending, (recipientId) => protocol.delivery.digestRecipients.includes(recipientId));
  const report: DrainReport = { published: 0, messagesPublished: 0, byTier: { local: 0, regional: 0, national: 0 }, failed: [], deadLettered: [] };
  // One notice whose storage fails (throttling the SDK gave up on) stays pending for the next run; the rest go.
  const failed = (notice: PlannedNotice) => report.failed.push(notice.key);
  /** A failed run counts against each message of the notice; the last allowed one sends it to the dead-letter queue. */
  const countFailure = async (notice: PlannedNotice, reason: string) => {
    const keys = notice.messages.map((m) => m.idempotencyKey);
    try {
      const attempts = await ports.outbox.recordFailedAttempt(keys);
      if (attempts < MAX_PUBLISH_RUNS) return void failed(notice);
      await ports.deadLetters.send({ noticeKey: notice.key, messageKeys: keys, attempts, reason });
      await ports.outbox.markDeadLettered(keys, disclosedOn);
      report.deadLettered.push(notice.key);
    } catch {
      failed(notice);
    }
  };
  const claimedEarlier = new Set(pending.flatMap((p) => (p.dispatch ? [p.dispatch.key] : [])));
  const claims = await pMap(
    planned,
    async (notice) => {
      // Already claimed by an earlier run: its disclosures are recorded; send it again as it was.
      if (claimedEarlier.has(notice.key)) return true;
      try {
        return (await ports.outbox.claim(notice, disclosedOn)) === 'claimed';
      } catch (error) {
        // Counted like a failed publish, so a notice that can never be claimed reaches the dead-letter queue too.
        await countFailure(notice, `not claimed: ${error instanceof Error ? error.name : 'error'}`);
        return false;
      }
    },
    { concurrency: STORE_CONCURRENCY },
  );
  const claimed = planned.filter((_, i) => claims[i]);
  const outcomes = new Map((await publishAll(ports.notifier, claimed)).map((o) => [o.key, o]));
  await pMap(claimed, async (notice) => {
    const keys = notice.messages.map((m) => m.idempotencyKey);
    const outcome = outcomes.get(notice.key);
    try {
      if (outcome?.published) {
        await ports.outbox.markPublished(keys, disclosedOn);
        report.published += 1;
        report.messagesPublished += keys.length;
        report.byTier[notice.notice.tier] += 1;
        return;
      }
      await countFailure(notice, outcome && !outcome.published ? outcome.reason : 'no outcome from SNS');
    } catch {
      failed(notice);
    }
  }, { concurrency: STORE_CONCURRENCY });
  report.failed.sort();
  report.deadLettered.sort();
  return report;
}

/** The notifier reports each notice; should it throw instead (a time-out, a crash of the client), none went. */
async function publishAll(notifier: Notifier, claimed: readonly PlannedNotice[]): Promise<PublishOutcome[]> {
  try {
    return await notifier.publish(claimed.map((c) => c.notice));
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'publish failed';
    return claimed.map((c) => ({ key: c.key, published: false, reason }));
  }
}
