// What the escalation, publishing and acknowledgement handlers need: episodes, the outbox of messages, the
// audit trail, a way to notify, and a dead-letter queue for what cannot be sent.
import type { Acknowledgement, ChangeKind, Episode } from '../domain/episode.js';
import type { EscalationDecision } from '../domain/escalation.js';
import type { IsoDate, Subject } from '../domain/model.js';
import type { EscalationNotice, PendingMessage, PlannedNotice } from '../domain/notice-folding.js';

/** A message in the outbox: one per recipient per change, each stored, claimed and marked on its own. */
export interface OutboxEntry extends PendingMessage {
  /** Failed publish attempts so far. */
  attempts: number;
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
  /** The notice the change went out in (its own key, or the key of a wider subject's notice or a digest). */
  sentAs: string;
}

export interface EscalationStore {
  /** The subject's latest episode, open or stood down, with its acknowledgements. */
  currentEpisode(subject: Subject): Promise<Episode | undefined>;
  /**
   * Stores the decision: its messages first (staged, invisible to publishers), then the episode on condition
   * that the subject's episode is still as it was read, then releases the messages to the outbox. A crash
   * at any point loses nothing (the next run releases what was staged) and a concurrent run cannot make two
   * decisions. 'superseded' means only that the episode had changed since it was read; throttling and
   * conflicts are retried, then thrown.
   */
  recordDecision(decision: EscalationDecision, previous: Episode | undefined, context: { decidedOn: IsoDate; familyId: string }): Promise<'recorded' | 'superseded'>;
}

export interface OutboxStore {
  /** Releases the messages of decisions recorded by a run that stopped before releasing them. */
  releaseStaged(): Promise<number>;
  pendingOutbox(): Promise<OutboxEntry[]>;
  /**
   * Writes the disclosure record of each message of the notice and claims the messages for it, in one
   * transaction, before anything is published: 'taken' when another run claimed any of them first.
   */
  claim(notice: PlannedNotice, disclosedOn: IsoDate): Promise<'claimed' | 'taken'>;
  /** Marks the messages of one published notice: they leave the pending outbox. */
  markPublished(messageKeys: readonly string[], on: IsoDate): Promise<void>;
  /** Counts a failed attempt on each message; returns the highest count among them. */
  recordFailedAttempt(messageKeys: readonly string[]): Promise<number>;
  /** Takes the messages out of the pending outbox once their notice has gone to the dead-letter queue. */
  markDeadLettered(messageKeys: readonly string[], on: IsoDate): Promise<void>;
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

/** Whether each notice was published; a failure names why, so the outbox can count it. */
export type PublishOutcome = { key: string; published: true } | { key: string; published: false; reason: string };

export interface Notifier {
  /** Publishes each notice to its tier's topic, with scalar attributes for subscription filter policies. */
  publish(notices: readonly EscalationNotice[]): Promise<PublishOutcome[]>;
}

/** Where a notice goes when it keeps failing: ids and the reason only, never the content. */
export interface DeadLetters {
  send(failure: { noticeKey: string; messageKeys: readonly string[]; attempts: number; reason: string }): Promise<void>;
}
