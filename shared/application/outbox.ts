// Draining the escalation outbox: the publisher Lambda's work, which the escalate Lambda also does right
// after deciding. Both run it safely: an entry published twice repeats only its idempotency keys.
import type { IsoDate } from '../domain/model.js';
import type { Tier } from '../domain/protocol.js';
import type { EscalationStore, Notifier } from '../ports/escalations.js';

/** Publishes every pending outbox entry, then marks it published and audits it. Safe to run again at any point. */
export async function drainOutbox(ports: { escalations: EscalationStore; notifier: Notifier }, disclosedOn: IsoDate): Promise<{ published: number; byTier: Record<Tier, number> }> {
  const byTier: Record<Tier, number> = { local: 0, regional: 0, national: 0 };
  let published = 0;
  const failures: unknown[] = [];
  for (const entry of await ports.escalations.pendingOutbox()) {
    // One entry that cannot be published must not hold back the others: it stays pending and is retried.
    try {
      await ports.notifier.publish(entry.messages);
      await ports.escalations.markPublished(entry, disclosedOn);
    } catch (error) {
      failures.push(error);
      continue;
    }
    for (const m of entry.messages) byTier[m.tier] += 1;
    published += entry.messages.length;
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} outbox entries could not be published; they stay pending for the next run`);
  return { published, byTier };
}

