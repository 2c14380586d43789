// What the escalation handler needs: episodes with their outbox, the audit trail, and a way to notify.
import type { EscalationDecision, EscalationMessage, Episode } from '../domain/escalation.js';
import type { Subject } from '../domain/model.js';

export interface OutboxEntry {
  outboxId: string;
  messages: EscalationMessage[];
}

export interface Disclosure {
  idempotencyKey: string;
  subjectId: string;
  recipientId: string;
  tier: string;
  fieldClasses: string[];
  protocolVersion: string;
  legalBasis: string;
  disclosedOn: string;
}

export interface EscalationStore {
  currentEpisode(subject: Subject): Promise<Episode | undefined>;
  /**
   * Stores the episode and its outbox entry in one transaction, on condition that the episode is still at
   * the change it was read at: a crash or a concurrent run can neither lose the decision nor make two.
   */
  recordDecision(decision: EscalationDecision, previous: Episode | undefined): Promise<'recorded' | 'superseded'>;
  pendingOutbox(): Promise<OutboxEntry[]>;
  /** Marks an entry published and appends its disclosures to the audit trail, in one transaction. */
  markPublished(entry: OutboxEntry, disclosedOn: string): Promise<void>;
  disclosuresForSubject(subjectId: string): Promise<Disclosure[]>;
}

export interface Notifier {
  /** Publishes each message to its tier's topic, with scalar attributes for subscription filter policies. */
  publish(messages: readonly EscalationMessage[]): Promise<void>;
}
