import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type FailureEvent, generateHistory, HISTORY_PARAMETERS, type HistoryOptions, type Precursor } from '../../cli/backtest/history.js';
import { RE_REGISTRATION_PARAMETERS } from '../../cli/backtest/ownership-changes.js';
import { groupBy } from '../../shared/domain/collections.js';
import { addDays, addMonths, daysBetween } from '../../shared/domain/dates.js';
import { isCareHome, type IsoDate, type Location, type Signal, type SignalOf } from '../../shared/domain/model.js';

// The generator must not help the model: healthy and failing services share every indicator's range, concerns
// come at England's rates, the market renews itself, and community services close at the real file's rate.

const H = HISTORY_PARAMETERS;
const OPTIONS: HistoryOptions = { seed: 424242, locations: 4000, from: '2021-01-01', months: 48 };
const history = generateHistory(OPTIONS);

/** risk-model-2's cut-offs, copied as literals (shared/config/risk-model-v2.json): the generator never reads them. */
const CUT_OFFS = {
  creditWarningAtOrBelow: 25,
  highAgencyHoursPct: 15,
  highAbsencePct: 7,
  occupancyBandBelowPct: 80,
  managerAbsentMoreThanMonths: 3,
  accountsOverdueDays: 30,
  safeguardingAboveRegionalRateTimes: 2,
} as const;

const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b);
const years = (from: IsoDate, to: IsoDate): number => Math.max(0, daysBetween(from, to)) / 365.25;

const predecessorOf = new Map(history.reRegistrations.map((r) => [r.successorId, r.predecessorId]));
const locationById = new Map(history.locations.map((l) => [l.locationId, l]));
const bySubject = groupBy(history.signals, (s) => s.subject.id);
const signalsOf = (id: string): Signal[] => bySubject.get(id) ?? [];
/** Both registrations of a service that changed owner before its event. */
const registrationsOf = (event: FailureEvent): string[] => [event.locationId, ...(predecessorOf.has(event.locationId) ? [predecessorOf.get(event.locationId)!] : [])];
const failing = new Set(history.events.flatMap(registrationsOf));
const failingProviders = new Set([...history.events.map((e) => e.providerId), ...[...failing].map((id) => locationById.get(id)!.providerId)]);
const healthy = history.locations.filter((l) => !failing.has(l.locationId));
/** Years a registration is in the market: from its registration (or the start) to its deregistration (or the end). */
const yearsRegistered = (l: Location): number => years(maxDate(l.registeredOn, history.from), l.deregisteredOn ?? history.to);
const opened = history.locations.filter((l) => l.registeredOn >= history.from && !predecessorOf.has(l.locationId));
const atStart = history.locations.filter((l) => l.registeredOn < history.from);

function ofKind<K extends Signal['facts']['kind']>(signals: readonly Signal[], kind: K): SignalOf<K>[] {
  return signals.filter((s): s is SignalOf<K> => s.facts.kind === kind);
}

/** The signals of each run-up showing a kind of precursor, from its first day to the day before the event. */
function runUpSignals<K extends Signal['facts']['kind']>(precursor: Precursor, kind: K, subjects: (e: FailureEvent) => string[]): SignalOf<K>[] {
  return history.events
    .filter((e) => e.precursors.includes(precursor))
    .flatMap((e) => ofKind(subjects(e).flatMap(signalsOf), kind).filter((s) => s.describedOn >= e.precursorsFrom! && s.describedOn < e.on));
}

const healthyCapacity = ofKind(history.signals, 'capacity-return').filter((s) => !failing.has(s.subject.id));
const healthyFinancial = ofKind(history.signals, 'financial-indicator').filter((s) => !failingProviders.has(s.subject.id));
const numbers = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null);
const shareOf = (values: readonly number[], test: (v: number) => boolean): number => values.filter(test).length / values.length;
const occupancyPct = (s: SignalOf<'capacity-return'>): number => (100 * s.facts.usedBeds) / s.facts.maxCapacity;

/** Months a registration's manager had been absent on the 1st of each month from `from` to before `to`. */
function managerAbsentMonths(ids: readonly string[], from: IsoDate, to: IsoDate): number[] {
  const entries = ofKind(ids.flatMap(signalsOf), 'registration')
    .filter((s) => s.facts.status === 'Registered')
    .sort((a, b) => (a.describedOn < b.describedOn ? -1 : 1));
  const months: number[] = [];
  for (let on = addMonths(history.from, 1); on <= history.to; on = addMonths(on, 1)) {
    if (on < from || on >= to) continue;
    const current = entries.filter((s) => s.describedOn <= on).at(-1);
    if (!current) continue;
    const since = current.facts.registeredManagerAbsentSince;
    months.push(since === null ? 0 : daysBetween(since, on) / (365.25 / 12));
  }
  return months;
}

/** Concerns and s.42 enquiries (each counted, as the regional rates count them) over the 12 months to a day. */
const concernsIn12Months = (ids: readonly string[], on: IsoDate): number =>
  ofKind(ids.flatMap(signalsOf), 'safeguarding-concern')
    .filter((s) => s.describedOn > addMonths(on, -12) && s.describedOn <= on)
    .reduce((sum, s) => sum + 1 + (s.facts.section42Enquiry ? 1 : 0), 0);

/** The market's pooled yearly rates of concerns and enquiries: per bed of a care home, per community service. */
const pooled = (() => {
  const totals = { beds: 0, homeConcerns: 0, services: 0, communityConcerns: 0 };
  for (const l of history.locations) {
    const weighted = ofKind(signalsOf(l.locationId), 'safeguarding-concern').reduce((sum, s) => sum + 1 + (s.facts.section42Enquiry ? 1 : 0), 0);
    if (isCareHome(l)) {
      totals.beds += l.beds * yearsRegistered(l);
      totals.homeConcerns += weighted;
    } else {
      totals.services += yearsRegistered(l);
      totals.communityConcerns += weighted;
    }
  }
  return { perBed: totals.homeConcerns / totals.beds, perService: totals.communityConcerns / totals.services };
})();
const expectedIn12Months = (l: Location): number => (isCareHome(l) ? pooled.perBed * l.beds : pooled.perService);

/** A service's stated usual concerns a year: per bed of a care home, per community service. */
function statedPerYear(l: Location): number {
  const kind = l.serviceKind;
  return kind === 'nursing-home' || kind === 'residential-home' ? H.concernsPerBedYear[kind] * l.beds : H.concernsPerServiceYear[kind];
}

describe('generateHistory: safeguarding concerns at England\'s rates', () => {
  it('raises concerns per bed of a care home and per community service at each kind\'s stated rate, 30% of them s.42 enquiries', () => {
    // Prepare
    const usual = healthy.map((l) => ({ l, concerns: ofKind(signalsOf(l.locationId), 'safeguarding-concern'), years: yearsRegistered(l) }));

    // Act
    const perYear = (kind: Location['serviceKind']) => {
      const of = usual.filter((u) => u.l.serviceKind === kind);
      const exposure = of.reduce((sum, u) => sum + u.years * (isCareHome(u.l) ? u.l.beds : 1), 0);
      return of.reduce((sum, u) => sum + u.concerns.length, 0) / exposure;
    };
    const concerns = usual.flatMap((u) => u.concerns);
    const enquiryShare = concerns.filter((s) => s.facts.section42Enquiry).length / concerns.length;

    // Assess: a service's own reporting factor averages 1
    expect(Math.abs(perYear('nursing-home') / H.concernsPerBedYear['nursing-home'] - 1)).toBeLessThan(0.12);
    expect(Math.abs(perYear('residential-home') / H.concernsPerBedYear['residential-home'] - 1)).toBeLessThan(0.12);
    expect(Math.abs(perYear('home-care') / H.concernsPerServiceYear['home-care'] - 1)).toBeLessThan(0.12);
    expect(Math.abs(perYear('community-other') / H.concernsPerServiceYear['community-other'] - 1)).toBeLessThan(0.25);
    expect(Math.abs(enquiryShare - 161_952 / 541_535)).toBeLessThan(0.02);
  });

  it("sums to the market's share of England's concerns that concern a regulated service", () => {
    // Prepare
    const concerns = ofKind(history.signals, 'safeguarding-concern').length;

    // Act
    const englandPerYear = ((concerns / (OPTIONS.months / 12)) * H.englandLocations) / OPTIONS.locations;

    // Assess: about 221,000 a year, 41% of England's 541,535 (the parameters' arithmetic)
    expect(englandPerYear).toBeGreaterThan(190_000);
    expect(englandPerYear).toBeLessThan(260_000);
  });

  it('gives a service in a run-up more concerns than its usual rate, on average', () => {
    // Prepare
    const runUps = history.events.filter((e) => e.precursors.includes('concerns') && locationById.get(e.locationId)!.registeredOn < history.from);
    const healthyHomes = healthy.filter((l) => l.registeredOn < history.from && !l.deregisteredOn);

    // Act
    const rate = (ids: string[], l: Location, from: IsoDate, to: IsoDate) =>
      ofKind(ids.flatMap(signalsOf), 'safeguarding-concern').filter((s) => s.describedOn >= from && s.describedOn < to).length / (years(from, to) * statedPerYear(l));
    const inRunUps = runUps.map((e) => rate(registrationsOf(e), locationById.get(e.locationId)!, e.precursorsFrom!, e.on));
    const inHealthy = healthyHomes.map((l) => rate([l.locationId], l, history.from, history.to));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

    // Assess
    expect(runUps.length).toBeGreaterThan(100);
    expect(mean(inRunUps)).toBeGreaterThan(1.3 * mean(inHealthy));
  });
});

describe('generateHistory: no range separates healthy from failing services at a model cut-off', () => {
  const indicators: { name: string; healthy: () => number[]; runUp: () => number[]; beyond: (v: number) => boolean; healthyBeyond: number }[] = [
    {
      name: `credit score at or below ${CUT_OFFS.creditWarningAtOrBelow}`,
      healthy: () => numbers(healthyFinancial.map((s) => s.facts.creditScore)),
      runUp: () => numbers(runUpSignals('financial', 'financial-indicator', (e) => [e.providerId]).map((s) => s.facts.creditScore)),
      beyond: (v) => v <= CUT_OFFS.creditWarningAtOrBelow,
      healthyBeyond: 0.1,
    },
    {
      name: `agency hours at or above ${CUT_OFFS.highAgencyHoursPct}%`,
      healthy: () => numbers(healthyCapacity.map((s) => s.facts.agencyHoursPct)),
      runUp: () => numbers(runUpSignals('staffing', 'capacity-return', registrationsOf).map((s) => s.facts.agencyHoursPct)),
      beyond: (v) => v >= CUT_OFFS.highAgencyHoursPct,
      healthyBeyond: 0.05,
    },
    {
      name: `staff absence at or above ${CUT_OFFS.highAbsencePct}%`,
      healthy: () => numbers(healthyCapacity.map((s) => s.facts.staffAbsencePct)),
      runUp: () => numbers(runUpSignals('staffing', 'capacity-return', registrationsOf).map((s) => s.facts.staffAbsencePct)),
      beyond: (v) => v >= CUT_OFFS.highAbsencePct,
      healthyBeyond: 0.05,
    },
    {
      name: `occupancy below ${CUT_OFFS.occupancyBandBelowPct}%`,
      healthy: () => healthyCapacity.map(occupancyPct),
      runUp: () => runUpSignals('occupancy', 'capacity-return', registrationsOf).map(occupancyPct),
      beyond: (v) => v < CUT_OFFS.occupancyBandBelowPct,
      healthyBeyond: 0.05,
    },
    {
      name: `registered manager absent over ${CUT_OFFS.managerAbsentMoreThanMonths} months`,
      healthy: () => healthy.flatMap((l) => managerAbsentMonths([l.locationId], history.from, addDays(history.to, 1))),
      runUp: () => history.events.filter((e) => e.precursors.includes('manager')).flatMap((e) => managerAbsentMonths(registrationsOf(e), e.precursorsFrom!, e.on)),
      beyond: (v) => v > CUT_OFFS.managerAbsentMoreThanMonths,
      healthyBeyond: 0.02,
    },
    {
      name: `accounts overdue over ${CUT_OFFS.accountsOverdueDays} days`,
      healthy: () => healthyFinancial.map((s) => s.facts.accountsOverdueDays),
      runUp: () => runUpSignals('financial', 'financial-indicator', (e) => [e.providerId]).map((s) => s.facts.accountsOverdueDays),
      beyond: (v) => v > CUT_OFFS.accountsOverdueDays,
      healthyBeyond: 0.003,
    },
    {
      name: `safeguarding concerns over ${CUT_OFFS.safeguardingAboveRegionalRateTimes}x the pooled rate in 12 months`,
      healthy: () =>
        healthy
          .filter((l) => l.registeredOn < history.from)
          .flatMap((l) => ['2022-06-01', '2023-06-01', '2024-06-01'].filter((on) => (l.deregisteredOn ?? '9999-12-31') > on).map((on) => concernsIn12Months([l.locationId], on) / expectedIn12Months(l))),
      runUp: () =>
        history.events
          .filter((e) => e.precursors.includes('concerns') && e.on >= addMonths(history.from, 12) && locationById.get(e.locationId)!.registeredOn <= addMonths(e.on, -12))
          .map((e) => concernsIn12Months(registrationsOf(e), addDays(e.on, -1)) / expectedIn12Months(locationById.get(e.locationId)!)),
      beyond: (v) => v > CUT_OFFS.safeguardingAboveRegionalRateTimes,
      healthyBeyond: 0.03,
    },
  ];

  it.each(indicators)('$name: some healthy values lie beyond the cut-off and many run-up values short of it', ({ healthy: healthyValues, runUp, beyond, healthyBeyond }) => {
    // Prepare
    const values = { healthy: healthyValues(), runUp: runUp() };

    // Act
    const healthyShare = shareOf(values.healthy, beyond);
    const runUpShare = shareOf(values.runUp, beyond);

    // Assess: the two overlap, and a run-up still crosses the cut-off more often than a healthy service
    expect(values.runUp.length).toBeGreaterThan(100);
    expect(healthyShare).toBeGreaterThanOrEqual(healthyBeyond);
    expect(1 - runUpShare).toBeGreaterThanOrEqual(0.2);
    expect(runUpShare).toBeGreaterThan(healthyShare);
  });

  it('takes CQC enforcement and placement embargoes at some healthy services, at small stated rates', () => {
    // Prepare
    const locationYears = healthy.reduce((sum, l) => sum + yearsRegistered(l), 0);
    const actions = ofKind(history.signals, 'commissioner-action').filter((s) => !failing.has(s.subject.id));

    // Act
    const perYear = (action: string) => actions.filter((s) => s.facts.action === action).length / locationYears;

    // Assess
    expect(perYear('cqc-enforcement')).toBeGreaterThan(0.5 * H.healthyEnforcementPerYear);
    expect(perYear('cqc-enforcement')).toBeLessThan(1.5 * H.healthyEnforcementPerYear);
    expect(perYear('placement-embargo')).toBeGreaterThan(0.002);
    expect(perYear('placement-embargo')).toBeLessThan(0.02);
  });
});

describe('generateHistory: new registrations', () => {
  it('opens services of each kind at about the stated yearly rate, so the market scored does not shrink', () => {
    // Prepare
    const eventOn = new Map(history.events.map((e) => [e.locationId, e.on]));
    const serviceOf = new Map(history.reRegistrations.map((r) => [r.predecessorId, r.successorId]));
    const live = (on: IsoDate, careHomes: boolean) =>
      history.locations.filter(
        (l) => isCareHome(l) === careHomes && l.registeredOn <= on && (l.deregisteredOn ?? '9999-12-31') > on && (eventOn.get(serviceOf.get(l.locationId) ?? l.locationId) ?? '9999-12-31') > on,
      ).length;

    // Act
    const startingProviders = new Set(atStart.map((l) => l.providerId));
    const rate = (careHomes: boolean) => opened.filter((l) => isCareHome(l) === careHomes).length / atStart.filter((l) => isCareHome(l) === careHomes).length / (OPTIONS.months / 12);

    // Assess
    expect(Math.abs(rate(true) / H.openingsPerYear['residential-home'] - 1)).toBeLessThan(0.2);
    expect(Math.abs(rate(false) / H.openingsPerYear['home-care'] - 1)).toBeLessThan(0.2);
    for (const careHomes of [true, false]) {
      const change = live(history.to, careHomes) / live(history.from, careHomes) - 1;
      expect(Math.abs(change)).toBeLessThan(0.06);
    }
    // About half by providers already in the market, half by new ones.
    const byExisting = opened.filter((l) => startingProviders.has(l.providerId)).length / opened.length;
    expect(byExisting).toBeGreaterThan(0.3);
    expect(byExisting).toBeLessThan(0.6);
  });

  it('gives a new service no signal before its registration and no rating until its first inspection, within about a year', () => {
    // Prepare
    const firstRatings = opened.map((l) => ({ l, ratings: ofKind(signalsOf(l.locationId), 'rating').sort((a, b) => (a.describedOn < b.describedOn ? -1 : 1)) }));
    const eventOn = new Map(history.events.map((e) => [e.locationId, e.on]));
    const due = (l: Location) => addMonths(l.registeredOn, H.firstInspectionMonths.max);

    // Act
    const early = opened.flatMap((l) => signalsOf(l.locationId).filter((s) => s.describedOn < l.registeredOn));
    const rated = firstRatings.filter((r) => r.ratings.length > 0);

    // Assess
    expect(opened.length).toBeGreaterThan(200);
    expect(early).toEqual([]);
    expect(rated.length).toBeGreaterThan(opened.length / 3);
    for (const { l, ratings } of rated) {
      expect(ratings[0]!.describedOn > l.registeredOn).toBe(true);
      // An inspection on risk in the month the first one falls due takes its place, a few days either side.
      expect(ratings[0]!.describedOn <= addMonths(due(l), 1)).toBe(true);
    }
    // Every new service still in the market when its first inspection falls due has been rated by then.
    const overdue = firstRatings.filter(({ l, ratings }) => due(l) <= history.to && (eventOn.get(l.locationId) ?? l.deregisteredOn ?? '9999-12-31') > due(l) && ratings.length === 0);
    expect(overdue).toEqual([]);
  });
});

describe('generateHistory: community services close at the real rate', () => {
  // The repo is cloned beside the shared data folder, here and on CI.
  const FILE = fileURLToPath(new URL('../../../shared/data/cqc-history/community-services-ratings.csv', import.meta.url));

  /** Deregistrations dated 2016-2023 per registered location-year over 2016-2023, in the real file. */
  function realDeregistrationRate(): number {
    if (!existsSync(FILE)) throw new Error(`The shared CQC rating history is missing at ${FILE}: clone the repo beside the shared folder (../shared/data/cqc-history/).`);
    const [, ...rows] = readFileSync(FILE, 'utf8').trim().split('\n');
    const byLocation = new Map(rows.map((row) => { const [id, , , , registeredOn, deregisteredOn] = row.split(','); return [id!, { registeredOn: registeredOn!, deregisteredOn: deregisteredOn || null }]; }));
    let exposure = 0;
    let deregistered = 0;
    for (const { registeredOn, deregisteredOn } of byLocation.values()) {
      exposure += years(maxDate(registeredOn, '2016-01-01'), deregisteredOn !== null && deregisteredOn < '2024-01-01' ? deregisteredOn : '2024-01-01');
      if (deregisteredOn !== null && deregisteredOn >= '2016-01-01' && deregisteredOn < '2024-01-01' && registeredOn <= deregisteredOn) deregistered++;
    }
    return deregistered / exposure;
  }

  it("closes community services at the real file's deregistration rate less the re-registrations", () => {
    // Prepare
    const real = realDeregistrationRate();
    const community = history.locations.filter((l) => !isCareHome(l) && !predecessorOf.has(l.locationId));
    const successorOf = new Map(history.reRegistrations.map((r) => [r.predecessorId, r.successorId]));
    const eventOf = new Map(history.events.map((e) => [e.locationId, e]));

    // Act: each service from its registration (or the start) to its event (or the end)
    let exposure = 0;
    let closures = 0;
    let reRegistrations = 0;
    for (const l of community) {
      const event = eventOf.get(successorOf.get(l.locationId) ?? l.locationId);
      exposure += years(maxDate(l.registeredOn, history.from), event?.on ?? history.to);
      if (event?.kind === 'closure') closures++;
      if (successorOf.has(l.locationId)) reRegistrations++;
    }

    // Assess: the real file gives 7.3% (2,668 deregistrations over 36,605 location-years)
    expect(real).toBeCloseTo(0.073, 3);
    expect(H.closurePerYear['home-care']).toBeCloseTo(real - RE_REGISTRATION_PARAMETERS.perYear['home-care'], 2);
    expect(Math.abs(closures / exposure - H.closurePerYear['home-care'])).toBeLessThan(0.008);
    expect(Math.abs((closures + reRegistrations) / exposure - real)).toBeLessThan(0.012);
  });
});
