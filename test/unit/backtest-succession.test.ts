import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../cli/backtest/backtest.js';
import type { FailureEvent, MarketHistory } from '../../cli/backtest/history.js';
import type { ReRegistration } from '../../cli/backtest/ownership-changes.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { type CommissionerActionType, type IsoDate, type Location, type Signal, signalKey } from '../../shared/domain/model.js';
import { registrationLink } from '../support/fixtures.js';

// A hand-built market of two homes in one council over three years (failures and alarms count from 2022):
// Rose House is sold on 2022-06-15 (1-1000000001 deregistered, 1-3000000001 registered under a new owner at
// the same address); Oak Lodge closes on 2022-09-10, after a contract suspension in March.
const FROM = '2021-01-01';
const TO = '2023-12-31';
const SALE = '2022-06-15';
const CLOSED = '2022-09-10';
const council = COUNCILS[0]!;
const SELLER = '1-2000000001';
const BUYER = '1-2000000002';
const ROSE = '1-1000000001';
const ROSE_NEW = '1-3000000001';
const OAK = '1-1000000002';

const home = (locationId: string, providerId: string, over: Partial<Location>): Location => ({
  locationId,
  providerId,
  name: 'Rose House',
  councilGss: council.gss,
  region: council.region,
  serviceKind: 'residential-home',
  beds: 30,
  sizeBand: 'medium',
  specialisms: [],
  registeredOn: '2010-05-01',
  uprn: '100000000001',
  postcode: 'ZZ1 1AA',
  ...over,
});

const registration = (id: string, on: IsoDate, status: 'Registered' | 'Deregistered'): Signal => ({
  source: 'cqc-register',
  naturalId: `${id}#registration#${on}`,
  subject: { type: 'location', id },
  describedOn: on,
  receivedOn: addDays(on, 5),
  facts: { kind: 'registration', status, dormant: false, registeredManagerAbsentSince: null },
});

const goodRating = (id: string): Signal => ({
  source: 'cqc-api',
  naturalId: `${id}#rating#2020-06-01`,
  subject: { type: 'location', id },
  describedOn: '2020-06-01',
  receivedOn: '2020-06-03',
  facts: { kind: 'rating', overall: 'Good', safe: 'Good', effective: 'Good', caring: 'Good', responsive: 'Good', wellLed: 'Good', publishedOn: '2020-06-01' },
});

const action = (id: string, kind: CommissionerActionType, on: IsoDate): Signal => ({
  source: 'commissioner-action',
  naturalId: `${council.gss}#CA-${id}-${on}`,
  subject: { type: 'location', id },
  describedOn: on,
  receivedOn: addDays(on, 5),
  facts: { kind: 'commissioner-action', action: kind, councilGss: council.gss },
});

/** Monthly returns of a full, healthy home on the 10th, from one month to the day before another. */
function returns(id: string, from: IsoDate, until: IsoDate): Signal[] {
  const list: Signal[] = [];
  for (let month = from; addDays(month, 9) < until; month = addMonths(month, 1)) {
    const on = addDays(month, 9);
    list.push({
      source: 'capacity-tracker',
      naturalId: `${id}#${month.slice(0, 7)}`,
      subject: { type: 'location', id },
      describedOn: on,
      receivedOn: addDays(on, 6),
      facts: { kind: 'capacity-return', period: month.slice(0, 7), maxCapacity: 30, usedBeds: 28, declaredVacancies: 2, acceptingAdmissions: true, staffAbsencePct: 3, agencyHoursPct: 5 },
    });
  }
  return list;
}

const statedLink = registrationLink({ predecessorId: ROSE, successorId: ROSE_NEW, linkedOn: SALE, origin: `cqc-api/locations/${ROSE_NEW}.json`, receivedOn: addDays(SALE, 2) });

interface Variant {
  /** Whether CQC states the link. */
  stated: boolean;
  /** The successor's UPRN and postcode: the same address, or elsewhere (a move CQC does not state). */
  successorAddress: Pick<Location, 'uprn' | 'postcode'>;
  /** Whether the sold home is under a contract suspension from before its sale, and closes under its new owner. */
  soldHomeFails?: boolean;
}

function market({ stated, successorAddress, soldHomeFails = false }: Variant): MarketHistory {
  const soldClosesOn = '2022-10-20';
  const oakClosure = registration(OAK, CLOSED, 'Deregistered');
  const roseClosure = registration(ROSE_NEW, soldClosesOn, 'Deregistered');
  const closure = (locationId: string, providerId: string, on: IsoDate, outcome: Signal, suspendedOn: IsoDate): FailureEvent => ({
    locationId,
    providerId,
    kind: 'closure',
    on,
    hadPrecursor: true,
    precursorsFrom: suspendedOn,
    precursors: ['embargo'],
    outcomeSignalKeys: [signalKey(outcome)],
  });
  const sale: ReRegistration = { predecessorId: ROSE, successorId: ROSE_NEW, on: SALE, kind: successorAddress.uprn === '100000000001' ? 'ownership-change' : 'move' };
  return {
    seed: 1,
    from: FROM,
    to: TO,
    locations: [
      home(ROSE, SELLER, { deregisteredOn: SALE }),
      home(OAK, SELLER, { name: 'Oak Lodge', uprn: '100000000002', postcode: 'ZZ1 1AB', deregisteredOn: CLOSED }),
      home(ROSE_NEW, BUYER, { registeredOn: SALE, ...successorAddress, ...(soldHomeFails ? { deregisteredOn: soldClosesOn } : {}) }),
    ],
    providers: [SELLER, BUYER].map((providerId) => ({ providerId, name: `Provider ${providerId}`, companyNumber: null, ownershipType: 'Individual', groupId: null })),
    groups: [],
    signals: [
      goodRating(ROSE),
      goodRating(OAK),
      registration(ROSE, addDays(FROM, -1), 'Registered'),
      registration(OAK, addDays(FROM, -1), 'Registered'),
      registration(ROSE, SALE, 'Deregistered'),
      registration(ROSE_NEW, SALE, 'Registered'),
      action(OAK, 'contract-suspended', '2022-03-10'),
      oakClosure,
      ...returns(ROSE, FROM, SALE),
      ...returns(ROSE_NEW, '2022-07-01', soldHomeFails ? soldClosesOn : TO),
      ...returns(OAK, FROM, CLOSED),
      ...(soldHomeFails ? [action(ROSE, 'contract-suspended', '2022-03-20'), roseClosure] : []),
    ],
    events: [
      closure(OAK, SELLER, CLOSED, oakClosure, '2022-03-10'),
      ...(soldHomeFails ? [closure(ROSE_NEW, BUYER, soldClosesOn, roseClosure, '2022-03-20')] : []),
    ],
    dips: [],
    reRegistrations: [sale],
    links: stated ? [{ ...statedLink, kind: sale.kind }] : [],
  };
}

const SAME_ADDRESS = { uprn: '100000000001', postcode: 'ZZ1 1AA' };

describe('runBacktest with a change of owner', () => {
  it.each([
    { name: 'CQC states the link', variant: { stated: true, successorAddress: SAME_ADDRESS }, linkedBy: 'cqc-relationship', unlinked: 0 },
    { name: 'the matching finds it by its UPRN', variant: { stated: false, successorAddress: SAME_ADDRESS }, linkedBy: 'same-uprn', unlinked: 0 },
    { name: 'nothing links it (a move CQC does not state)', variant: { stated: false, successorAddress: { uprn: '100000000003', postcode: 'ZZ2 1AA' } }, linkedBy: null, unlinked: 1 },
  ] as const)('counts only the closure as a failure when $name', ({ variant, linkedBy, unlinked }) => {
    // Prepare
    const history = market(variant);

    // Act
    const report = runBacktest(history);

    // Assess: one failure, warned by the suspension; the sold home is one track of 36 months, never a failure
    expect(report.counts.evaluatedFailures).toBe(1);
    expect(report.counts.eventsByKind).toEqual({ closure: 1 });
    expect(report.bands.Red.recall).toEqual({ failures: 1, warned: 1, recall: 1 });
    expect(report.bands.Red.precision).toMatchObject({ warnedLocations: 1, failedWithinHorizon: 1 });
    // Oak Lodge is scored on the 1st from January 2021 to September 2022 (21 dates), the sold home on all 36.
    expect(report.counts.locationMonthsScored).toBe(21 + 36);
    expect(report.bands.Red.falseAlarms.falseAlarmMonths).toBe(0);
    expect(report.diagnostics.byThreshold.Red.falseAlarms.causes['hard trigger']).toBe(0);
    expect(report.generator).toMatchObject({ locations: 2, registrations: 3 });
    expect(report.counts.deregistrations).toEqual({
      total: 2,
      closures: 1,
      reRegistrations: { total: 1, byKind: { 'ownership-change': variant.successorAddress === SAME_ADDRESS ? 1 : 0, move: variant.successorAddress === SAME_ADDRESS ? 0 : 1 } },
      linked: {
        total: linkedBy === null ? 0 : 1,
        byEvidence: { 'cqc-relationship': linkedBy === 'cqc-relationship' ? 1 : 0, 'same-uprn': linkedBy === 'same-uprn' ? 1 : 0, 'same-postcode-similar-name': 0 },
      },
      unlinked,
      wrongLinks: 0,
    });
  });

  it('counts a warning before the sale toward a failure after it, under the new owner', () => {
    // Prepare: the sold home is under a suspension from March 2022, sold in June and closed in October
    const history = market({ stated: true, successorAddress: SAME_ADDRESS, soldHomeFails: true });

    // Act
    const report = runBacktest(history);

    // Assess: both closures warned; the sold home's first Red (April, on the old registration) gives its lead
    expect(report.counts.evaluatedFailures).toBe(2);
    expect(report.bands.Red.recall).toEqual({ failures: 2, warned: 2, recall: 1 });
    expect(report.bands.Red.precision).toMatchObject({ warnedLocations: 2, failedWithinHorizon: 2 });
    expect(report.bands.Red.falseAlarms.falseAlarmMonths).toBe(0);
    // Oak Lodge from 2022-04-01 to 2022-09-10 (162 days), the sold home from 2022-04-01 to 2022-10-20 (202 days).
    expect(report.bands.Red.leadTimeDays).toMatchObject({ n: 2, median: 182 });
    expect(report.counts.deregistrations).toMatchObject({ total: 3, closures: 2, linked: { total: 1 }, unlinked: 0, wrongLinks: 0 });
  });
});
