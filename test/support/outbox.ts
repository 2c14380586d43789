// Helpers for the outbox tests: one family (group G1, its provider and its Leeds homes) and a provider in no
// group, the messages their decisions leave waiting in the outbox, and in-memory stand-ins for the outbox
// store, the notifier and the dead-letter queue that keep what was claimed, disclosed, published and sent.
import type { Episode } from '../../shared/domain/episode.js';
import type { EscalationDecision } from '../../shared/domain/escalation.js';
import { familyOf, type MarketContext } from '../../shared/domain/market-context.js';
import type { IsoDate, RiskAssessment, Subject } from '../../shared/domain/model.js';
import { disclosedClasses, type EscalationNotice, type PlannedNotice } from '../../shared/domain/notice-folding.js';
import type { DeadLetters, Disclosure, Notifier, OutboxEntry, OutboxStore, PublishOutcome } from '../../shared/ports/escalations.js';
import { messageFor, mustDecide } from './escalation.js';
import { assessment, LEEDS, location, marketContext, provider } from './fixtures.js';

export const GROUP_ID = 'G1';
export const OTHER_PROVIDER_ID = '1-900000002';
export const OTHER_HOME_ID = '1-200000001';
export const ADASS_YORKSHIRE = 'adass-yorkshire-and-humber';

/** The n-th home of the fixture provider: the first is the fixture's own location. */
export const homeId = (n: number) => `1-1${String(n).padStart(8, '0')}`;

/** Group G1 runs the fixture provider with `homes` Leeds homes; Other Care Ltd, in no group, runs one more. */
export function groupMarket(homes = 1): MarketContext {
  const locations = [...Array.from({ length: homes }, (_, i) => location({ locationId: homeId(i + 1) })), location({ locationId: OTHER_HOME_ID, providerId: OTHER_PROVIDER_ID })];
  return marketContext(locations, {}, [provider({ groupId: GROUP_ID }), provider({ providerId: OTHER_PROVIDER_ID, name: 'Other Care Ltd', companyNumber: '07654321' })]);
}

type Overrides = Partial<RiskAssessment>;
const redSubject = (subject: Subject, name: string) => (overrides: Overrides = {}) => assessment({ subject, name, ...overrides });

/** Red assessments (local, Leeds only) of each subject of `groupMarket`; a Red group is regional. */
export const red = {
  group: redSubject({ type: 'group', id: GROUP_ID }, 'Acme Group'),
  provider: (overrides: Overrides = {}) => assessment(overrides),
  home: (overrides: Overrides = {}, n = 1) => redSubject({ type: 'location', id: homeId(n) }, `Home ${homeId(n)}`)(overrides),
  otherProvider: redSubject({ type: 'provider', id: OTHER_PROVIDER_ID }, 'Other Care Ltd'),
};

/** The message a decision sends one recipient, as the escalate step leaves it pending: decided on its change's day. */
export function waiting(decision: EscalationDecision, market: MarketContext, recipientId = LEEDS): OutboxEntry {
  return { message: messageFor(decision.messages, recipientId), familyId: familyOf(decision.episode.subject, market), decidedOn: decision.episode.lastChangedOn, dispatch: null, attempts: 0 };
}

/** Decides the assessment and returns its message to one recipient, pending. */
export const waitingFor = (a: RiskAssessment, market: MarketContext, recipientId = LEEDS, current?: Episode) => waiting(mustDecide(a, current, market), market, recipientId);

export const keysOf = (entries: readonly { message: { idempotencyKey: string } }[]) => entries.map((e) => e.message.idempotencyKey);

type State = 'pending' | 'published' | 'dead-lettered';

/** The outbox as the DynamoDB store keeps it: claims write disclosures and tie messages to a notice at once. */
export class InMemoryOutbox implements OutboxStore {
  readonly entries = new Map<string, OutboxEntry & { state: State; on: IsoDate | null }>();
  readonly disclosures: Disclosure[] = [];
  /** The key of every notice a claim was attempted for, in order. */
  readonly claimAttempts: string[] = [];
  /** An error claim throws for a notice (DynamoDB throttling the SDK gave up on), or null. */
  claimError: (notice: PlannedNotice) => Error | null = () => null;

  constructor(entries: readonly OutboxEntry[] = []) {
    for (const e of entries) this.entries.set(e.message.idempotencyKey, { ...structuredClone(e), state: 'pending', on: null });
  }

  async releaseStaged(): Promise<number> {
    return 0;
  }

  async pendingOutbox(): Promise<OutboxEntry[]> {
    return [...this.entries.values()].filter((e) => e.state === 'pending').map(({ state: _, on: __, ...entry }) => structuredClone(entry));
  }

  async claim(notice: PlannedNotice, disclosedOn: IsoDate): Promise<'claimed' | 'taken'> {
    this.claimAttempts.push(notice.key);
    const error = this.claimError(notice);
    if (error) throw error;
    const entries = notice.messages.map((m) => this.entry(m.idempotencyKey));
    if (entries.some((e) => e.state !== 'pending' || e.dispatch !== null)) return 'taken';
    for (const e of entries) {
      const m = e.message;
      e.dispatch = { key: notice.key, format: notice.format };
      this.disclosures.push({
        idempotencyKey: m.idempotencyKey,
        episodeId: m.episodeId,
        changeKind: m.changeKind,
        subjectId: m.subject.id,
        recipientId: notice.notice.recipient.id,
        tier: m.tier,
        fieldClasses: disclosedClasses(notice, m.idempotencyKey),
        protocolVersion: notice.notice.protocolVersion,
        legalBasis: notice.notice.legalBasis,
        disclosedOn,
        sentAs: notice.key,
      });
    }
    return 'claimed';
  }

  async markPublished(messageKeys: readonly string[], on: IsoDate): Promise<void> {
    this.leave(messageKeys, 'published', on);
  }

  async recordFailedAttempt(messageKeys: readonly string[]): Promise<number> {
    const entries = messageKeys.map((key) => this.entry(key));
    for (const e of entries) e.attempts += 1;
    return Math.max(0, ...entries.map((e) => e.attempts));
  }

  async markDeadLettered(messageKeys: readonly string[], on: IsoDate): Promise<void> {
    this.leave(messageKeys, 'dead-lettered', on);
  }

  async disclosuresForSubject(subjectId: string): Promise<Disclosure[]> {
    return this.disclosures.filter((d) => d.subjectId === subjectId);
  }

  async disclosuresForRecipient(recipientId: string): Promise<Disclosure[]> {
    return this.disclosures.filter((d) => d.recipientId === recipientId);
  }

  /** Each message's state and the day it left the pending outbox, by key. */
  states(): Record<string, [State, IsoDate | null]> {
    return Object.fromEntries([...this.entries].map(([key, e]) => [key, [e.state, e.on]]));
  }

  private leave(messageKeys: readonly string[], state: State, on: IsoDate) {
    for (const key of messageKeys) Object.assign(this.entry(key), { state, on });
  }

  private entry(key: string) {
    const e = this.entries.get(key);
    if (!e) throw new Error(`no outbox entry ${key}`);
    return e;
  }
}

/** A notifier that keeps every notice it is given and answers with `outcome` (published, unless told). */
export class RecordingNotifier implements Notifier {
  readonly calls: EscalationNotice[][] = [];

  constructor(private readonly outcome: (notice: EscalationNotice) => PublishOutcome = (n) => ({ key: n.idempotencyKey, published: true })) {}

  async publish(notices: readonly EscalationNotice[]): Promise<PublishOutcome[]> {
    this.calls.push(structuredClone([...notices]));
    return notices.map((n) => this.outcome(n));
  }

  /** The key of every notice published, in order, over every call. */
  get keys(): string[] {
    return this.calls.flat().map((n) => n.idempotencyKey);
  }
}

export class RecordingDeadLetters implements DeadLetters {
  readonly sent: Parameters<DeadLetters['send']>[0][] = [];

  async send(failure: Parameters<DeadLetters['send']>[0]): Promise<void> {
    this.sent.push(structuredClone(failure));
  }
}
