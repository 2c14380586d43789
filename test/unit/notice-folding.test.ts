// Folding the day's pending messages into notices: one per recipient, subject family and day, the widest
// subject whole and the others listed; a digest a day for a digest recipient; claimed messages re-planned
// into the notice they were claimed for; the size cap; the tier; keys that do not depend on order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CHANGES_PER_NOTICE, noticeOf, type PendingMessage, type PlannedNotice, planNotices } from '../../shared/domain/notice-folding.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import { mustDecide } from '../support/escalation.js';
import { LEEDS } from '../support/fixtures.js';
import { ADASS_YORKSHIRE, groupMarket, keysOf, red, waiting, waitingFor } from '../support/outbox.js';

const market = groupMarket();
const noDigest = () => false;
const byKey = (notices: readonly PlannedNotice[]) => [...notices].sort((a, b) => a.key.localeCompare(b.key));
/** Each notice as its key and the keys of the messages it stands for. */
const shape = (notices: readonly PlannedNotice[]) => byKey(notices).map((n) => [n.key, n.messages.map((m) => m.idempotencyKey)]);

/** The group, its provider and its home each turn Red on the same day: what Leeds is sent. */
const sameDay = () => [waitingFor(red.home(), market), waitingFor(red.provider(), market), waitingFor(red.group(), market)];

describe('planNotices', () => {
  it('folds a home, its provider and its group changing on one day into one notice about the group listing the others', () => {
    // Prepare
    const [home, provider, group] = sameDay();

    // Act
    const notices = planNotices([home!, provider!, group!], noDigest);

    // Assess
    expect(notices).toHaveLength(1);
    const [{ key, format, messages, notice }] = notices as [PlannedNotice];
    expect(key).toBe(group!.message.idempotencyKey);
    expect(format).toBe('family');
    expect(messages).toEqual([group!.message, provider!.message, home!.message]);
    expect(notice).toMatchObject({ idempotencyKey: key, subject: group!.message.subject, evidence: group!.message.evidence, recipient: group!.message.recipient });
    expect(notice.alsoCovers.map((c) => [c.idempotencyKey, c.episodeId, c.subject.type])).toEqual([
      [provider!.message.idempotencyKey, provider!.message.episodeId, 'provider'],
      [home!.message.idempotencyKey, home!.message.episodeId, 'location'],
    ]);
    expect(notice.summary).toBe(`${group!.message.summary} (and 2 related changes)`);
    expect(notice.body.startsWith(`${group!.message.body}\n\nAlso about Acme Group and the services under it today:\n`)).toBe(true);
    for (const covered of [provider!, home!]) {
      expect(notice.body).toContain(`Please acknowledge episode ${covered.message.episodeId} by ${covered.message.reviewOn}.`);
      // Listed without their own marking line: the notice's marking covers what it carries.
      expect(notice.body).toContain(`\n- ${covered.message.summary.replace(`[${covered.message.handling.marking}] `, '')}. Please`);
    }
  });

  it('keeps the changes of two different days in two notices', () => {
    // Prepare: the home turns Red on the 15th, its provider on the 16th
    const home = waitingFor(red.home(), market);
    const provider = waitingFor(red.provider({ asOf: '2025-10-16' }), market);

    // Act
    const notices = planNotices([home, provider], noDigest);

    // Assess
    expect(shape(notices)).toEqual(shape([home, provider].map((p) => planNotices([p], noDigest)[0]!)));
    expect(notices.every((n) => n.notice.alsoCovers.length === 0)).toBe(true);
  });

  it('keeps two families apart for one recipient on one day', () => {
    // Prepare
    const provider = waitingFor(red.provider(), market);
    const other = waitingFor(red.otherProvider(), market);

    // Act
    const notices = planNotices([provider, other], noDigest);

    // Assess
    expect(provider.familyId).not.toBe(other.familyId);
    expect(shape(notices)).toEqual(shape([planNotices([provider], noDigest)[0]!, planNotices([other], noDigest)[0]!]));
  });

  it('folds a reminder due on the day with a change of the same family', () => {
    // Prepare: the provider's episode opened on the 15th is overdue on the 23rd, the day its home turns Red
    const opened = mustDecide(red.provider(), undefined, market).episode;
    const reminder = waitingFor(red.provider({ asOf: '2025-10-23' }), market, LEEDS, opened);
    const home = waitingFor(red.home({ asOf: '2025-10-23' }), market);

    // Act
    const notices = planNotices([home, reminder], noDigest);

    // Assess
    expect(notices.map((n) => [n.key, n.notice.changeKind, n.notice.alsoCovers.map((c) => [c.idempotencyKey, c.changeKind])])).toEqual([
      [reminder.message.idempotencyKey, 'reminder', [[home.message.idempotencyKey, 'opened']]],
    ]);
  });

  it('sends a digest recipient one notice a day across families, and the others one per family', () => {
    // Prepare: the group's change goes to Leeds and to the ADASS network; Leeds takes a digest
    const group = mustDecide(red.group(), undefined, market);
    const pending = [waiting(group, market), waiting(group, market, ADASS_YORKSHIRE), waitingFor(red.otherProvider(), market)];

    // Act
    const notices = planNotices(pending, (recipientId) => recipientId === LEEDS);

    // Assess
    const [leeds, adass] = pending.map((p) => p.message);
    expect(notices.map((n) => [n.key, n.format, n.notice.recipient.id, n.messages.length])).toEqual([
      [`digest#${LEEDS}#${leeds!.idempotencyKey}`, 'digest', LEEDS, 2],
      [adass!.idempotencyKey, 'family', ADASS_YORKSHIRE, 1],
    ]);
    expect(notices[0]!.notice.body).toContain(`\n\nAlso today for ${leeds!.recipient.name}:\n- ${pending[2]!.message.summary.replace(/^\[[A-Z-]+\] /, '')}. Please acknowledge episode`);
  });

  it('re-plans claimed messages into the notice they were claimed for, under its key, whatever has arrived since', () => {
    // Prepare: the home and its provider were claimed for one notice; the group turned Red later that day
    const [home, provider, group] = sameDay();
    const [first] = planNotices([home!, provider!], noDigest) as [PlannedNotice];
    const claimed = [home!, provider!].map((p): PendingMessage => ({ ...p, dispatch: { key: first.key, format: first.format } }));

    // Act
    const replanned = planNotices([group!, ...claimed], noDigest);

    // Assess
    expect(byKey(replanned)).toEqual(byKey([first, ...planNotices([group!], noDigest)]));
    expect(first.key).toBe(provider!.message.idempotencyKey);
  });

  it('keeps a claimed digest a digest after its recipient leaves the digest list', () => {
    // Prepare
    const pending = [waitingFor(red.provider(), market), waitingFor(red.otherProvider(), market)];
    const [digest] = planNotices(pending, () => true) as [PlannedNotice];
    const claimed = pending.map((p): PendingMessage => ({ ...p, dispatch: { key: digest.key, format: 'digest' } }));

    // Act
    const replanned = planNotices(claimed, noDigest);

    // Assess
    expect(replanned).toEqual([digest]);
  });

  it(`splits more than ${MAX_CHANGES_PER_NOTICE} changes of one family into notices of at most ${MAX_CHANGES_PER_NOTICE}, the group first`, () => {
    // Prepare: the group and more homes than one notice may list turn Red on one day
    const homes = MAX_CHANGES_PER_NOTICE + 5;
    const wide = groupMarket(homes);
    const pending = [waitingFor(red.group(), wide), ...Array.from({ length: homes }, (_, i) => waitingFor(red.home({}, i + 1), wide))];

    // Act
    const notices = planNotices(pending, noDigest);

    // Assess
    expect(notices.map((n) => n.messages.length)).toEqual([MAX_CHANGES_PER_NOTICE, homes + 1 - MAX_CHANGES_PER_NOTICE]);
    expect(notices.flatMap((n) => n.messages.map((m) => m.idempotencyKey)).sort()).toEqual(keysOf(pending).sort());
    expect(notices[0]!.key).toBe(pending[0]!.message.idempotencyKey);
    expect(new Set(notices.map((n) => n.key)).size).toBe(notices.length);
    for (const n of notices) expect(n.notice.alsoCovers).toHaveLength(n.messages.length - 1);
  });

  it('puts a notice on the topic of the highest tier it folds in, not only its main message’s', () => {
    // Prepare: the regional group, and its provider at 2,500 beds, national
    const group = waitingFor(red.group(), market);
    const provider = waitingFor(red.provider({ beds: 2500 }), market);
    const home = waitingFor(red.home(), market);

    // Act
    const [planned] = planNotices([home, group, provider], noDigest);

    // Assess
    expect([group, provider, home].map((p) => p.message.tier)).toEqual(['regional', 'national', 'local']);
    expect(planned?.notice.subject.type).toBe('group');
    expect(planned?.notice.tier).toBe('national');
    expect(noticeOf([home.message, group.message], 'family').tier).toBe('regional');
  });

  it('plans the same notices under the same keys in whatever order the messages come', () => {
    // Prepare: two families, two days, two recipients, one on a digest
    const group = mustDecide(red.group(), undefined, market);
    const pending = [
      ...sameDay(),
      waiting(group, market, ADASS_YORKSHIRE),
      waitingFor(red.otherProvider(), market),
      waitingFor(red.otherProvider({ asOf: '2025-10-16', beds: 2500 }), market, LEEDS, mustDecide(red.otherProvider(), undefined, market).episode),
      waitingFor(red.home({ asOf: '2025-10-16', hardTriggers: [HARD_TRIGGERS.deregistered] }), market, LEEDS, mustDecide(red.home(), undefined, market).episode),
    ];
    const wantsDigest = (id: string) => id === ADASS_YORKSHIRE;
    const expected = byKey(planNotices(pending, wantsDigest));

    // Act / Assess
    fc.assert(
      fc.property(fc.shuffledSubarray(pending, { minLength: pending.length, maxLength: pending.length }), (shuffled) => {
        expect(byKey(planNotices(shuffled, wantsDigest))).toEqual(expected);
      }),
      { numRuns: 50 },
    );
    expect(expected.length).toBeGreaterThan(2);
  });

  it('heads the list under a service with the organisation, not the service, when only services changed', () => {
    // Prepare: two homes of one provider turn Red the same day; neither the provider nor the group does
    const market = groupMarket(2);
    const first = waitingFor(red.home({}, 1), market);
    const second = waitingFor(red.home({}, 2), market);

    // Act
    const [notice] = planNotices([first, second], noDigest);

    // Assess
    expect(notice!.notice.alsoCovers).toHaveLength(1);
    expect(notice!.notice.body).toContain('\n\nAlso today, about other services of the same organisation:\n- ');
    expect(notice!.notice.body).not.toContain('and the services under it');
  });
});
