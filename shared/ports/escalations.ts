// What the escalation and acknowledgement handlers need: episodes with their outbox, acknowledgements, the
// audit trail, and a way to notify.
import type { Acknowledgement, ChangeKind, Episode } from '../domain/episode.js';
import type { EscalationDecision } from '../domain/escalation.js';
import type { EscalationMessage } from '../domain/escalation-message.js';
import type { Subject } from '../domain/model.js';

export interface OutboxEntry {
  outboxId: string;
  messages: EscalationMessage[];
}

export interface Disclosure {
  idempotencyKey: string;
  episodeId: string;
  changeKind: ChangeKind;
  subjectId: string;
  recipientId: string;
  tier: string;
  fieldClasses: string[];
  protocolVersion: string;
  legalBasis: string;
  disclosedOn: string;
}

export interface EscalationStore {
  /** The subject's latest episode, open or stood down, with its acknowledgements. */
  currentEpisode(subject: Subject): Promise<Episode | undefined>;
  /**
   * Stores the episode, and its outbox entry when it has messages, in one transaction, on condition that the
   * subject's episode is still as it was read: a crash or a concurrent run can neither lose the decision
   * nor make two.
   */
  recordDecision(decision: EscalationDecision, previous: Episode | undefined): Promise<'recorded' | 'superseded'>;
  pendingOutbox(): Promise<OutboxEntry[]>;
  /** Marks an entry published and appends its disclosures to the audit trail. */
  markPublished(entry: OutboxEntry, disclosedOn: string): Promise<void>;
  disclosuresForSubject(subjectId: string): Promise<Disclosure[]>;
  /** Every disclosure to one recipient, oldest first. */
  disclosuresForRecipient(recipientId: string): Promise<Disclosure[]>;
}

export interface AcknowledgementStore {
  /** An episode by its id, with its acknowledgements. */
  episode(episodeId: string): Promise<Episode | undefined>;
  /**
   * Stores an acknowledgement once per episode, tier and recipient, on condition that the episode is still
   * open: a second acknowledgement, or one racing a stand-down, is refused, not overwritten.
   */
  acknowledge(acknowledgement: Acknowledgement): Promise<'recorded' | 'already-acknowledged' | 'episode-closed'>;
}

export interface Notifier {
  /** Publishes each message to its tier's topic, with scalar attributes for subscription filter policies. */
  publish(messages: readonly EscalationMessage[]): Promise<void>;
}
