import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../cli/backtest/backtest.js';
import { generateHistory, type HistoryOptions, type MarketHistory } from '../../cli/backtest/history.js';
import { RE_REGISTRATION_PARAMETERS } from '../../cli/backtest/ownership-changes.js';
import { knownLinks } from '../../cli/backtest/re-registrations.js';
import { groupBy } from '../../shared/domain/collections.js';
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { Group, isCareHome, Location, Provider, RegistrationLink, Signal, signalKey } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';

const OPTIONS: HistoryOptions = { seed: 424242, locations: 1500, from: '2021-01-01', months: 48 };
const history = generateHistory(OPTIONS);

const signalByKey = (h: MarketHistory) => new Map(h.signals.map((s) => [signalKey(s), s]));
const successorIds = new Set(history.reRegistrations.map((r) => r.successorId));
/** The market as it stood at the start: every location but the successors of re-registrations and the services opened since. */
const atStart = history.locations.filter((l) => !successorIds.has(l.locationId) && l.registeredOn < history.from);
const locationById = new Map(history.locations.map((l) => [l.locationId, l]));
/** Each location's signals, indexed once: the re-registration checks look up thousands of locations. */
const signalsByLocation = groupBy(
  history.signals.filter((s) => s.subject.type === 'location'),
  (s) => s.subject.id,
);
const signalsOf = (id: string) => signalsByLocation.get(id) ?? [];
/** A small market, generated once for the checks that need a second generation or a whole backtest. */
const SMALL: HistoryOptions = { ...OPTIONS, locations: 300 };
const small = generateHistory(SMALL);

describe('generateHistory', () => {
  it('gives the same history for the same seed and a different one for another seed', () => {
    // Prepare: the small market, so the two generations below stay quick
    const again = { ...SMALL };
    const other = { ...SMALL, seed: SMALL.seed + 1 };

    // Act
    const same = generateHistory(again);
    const different = generateHistory(other);

    // Assess
    expect(JSON.stringify(same)).toBe(JSON.stringify(small));
    expect(JSON.stringify(different.events)).not.toBe(JSON.stringify(small.events));
  });

  it('builds a market of the asked size, mostly single-location providers, care homes and home care', () => {
    // Prepare
    const perProvider = new Map<string, number>();
    for (const l of atStart) perProvider.set(l.providerId, (perProvider.get(l.providerId) ?? 0) + 1);
    const share = (kinds: string[]) => atStart.filter((l) => kinds.includes(l.serviceKind)).length / atStart.length;

    // Act
    const singles = [...perProvider.values()].filter((n) => n === 1).length / perProvider.size;

    // Assess
    expect(atStart).toHaveLength(OPTIONS.locations);
    expect(singles).toBeGreaterThan(0.6);
    expect([...perProvider.values()].some((n) => n >= 6)).toBe(true);
    expect(share(['nursing-home', 'residential-home'])).toBeGreaterThan(0.4);
    expect(share(['home-care'])).toBeGreaterThan(0.35);
    expect(history.groups.length).toBeGreaterThan(0);
  });

  it('makes every location, provider, group and signal valid against the model', () => {
    // Prepare
    const invalid = (schema: { safeParse: (v: unknown) => { success: boolean } }, items: readonly unknown[]) => items.filter((item) => !schema.safeParse(item).success);

    // Act
    const bad = {
      locations: invalid(Location, history.locations),
      providers: invalid(Provider, history.providers),
      groups: invalid(Group, history.groups),
      signals: invalid(Signal, history.signals),
      links: invalid(RegistrationLink, history.links),
    };

    // Assess
    expect(bad).toEqual({ locations: [], providers: [], groups: [], signals: [], links: [] });
    expect(new Set(history.locations.map((l) => l.locationId)).size).toBe(history.locations.length);
    expect(new Set(history.signals.map(signalKey)).size).toBe(history.signals.length);
    expect(history.signals.every((s) => s.receivedOn >= s.describedOn)).toBe(true);
  });

  it('has failures of each kind, at least a fifth of them with no precursor at all', () => {
    // Prepare
    const { events } = history;

    // Act
    const sudden = events.filter((e) => !e.hadPrecursor);

    // Assess
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['inadequate', 'closure', 'insolvency']));
    expect(sudden.length / events.length).toBeGreaterThanOrEqual(0.2);
    expect(sudden.every((e) => e.precursors.length === 0 && e.precursorsFrom === null)).toBe(true);
    for (const e of events.filter((e) => e.hadPrecursor)) {
      expect(e.precursors.length).toBeGreaterThan(0);
      // The run-up starts 3 to 18 months before the event.
      expect(e.precursorsFrom! <= addMonths(e.on, -3) && e.precursorsFrom! >= addMonths(e.on, -18)).toBe(true);
    }
    expect(events.every((e) => e.on >= history.from && e.on <= history.to)).toBe(true);
  });

  it('names outcome signals that exist, describe the event day or later, and are the event itself', () => {
    // Prepare
    const byKey = signalByKey(history);

    // Act
    const outcomes = history.events.map((e) => ({ event: e, signals: e.outcomeSignalKeys.map((k) => byKey.get(k)) }));

    // Assess
    for (const { event, signals } of outcomes) {
      expect(signals.length).toBeGreaterThan(0);
      for (const signal of signals) {
        expect(signal).toBeDefined();
        expect(signal!.describedOn >= event.on).toBe(true);
        const facts = signal!.facts;
        if (event.kind === 'inadequate') expect(facts.kind === 'rating' && facts.overall).toBe('Inadequate');
        if (event.kind === 'closure') expect(facts.kind === 'registration' && facts.status).toBe('Deregistered');
        if (event.kind === 'insolvency') expect(facts.kind === 'financial-indicator' && ['administration', 'liquidation'].includes(facts.companyStatus)).toBe(true);
      }
    }
  });

  it('sends no signal about a location dated on or after its event, other than the event itself', () => {
    // Prepare
    const eventOn = new Map(history.events.map((e) => [e.locationId, e]));

    // Act
    const late = history.signals.filter((s) => {
      const event = s.subject.type === 'location' ? eventOn.get(s.subject.id) : undefined;
      return event !== undefined && s.describedOn >= event.on && !event.outcomeSignalKeys.includes(signalKey(s));
    });

    // Assess
    expect(late).toEqual([]);
  });

  it('gives healthy locations passing dips that recover', () => {
    // Prepare
    const failed = new Set(history.events.map((e) => e.locationId));
    const healthyDips = history.dips.filter((d) => !failed.has(d.locationId));
    const providerOf = new Map(history.locations.map((l) => [l.locationId, l.providerId]));

    // Act
    const lateFilingRecovered = healthyDips
      .filter((d) => d.kind === 'late-filing')
      .some((d) =>
        history.signals.some((s) => s.subject.id === providerOf.get(d.locationId) && s.describedOn > d.to && s.facts.kind === 'financial-indicator' && s.facts.accountsOverdueDays === 0),
      );
    const occupancyRecovered = healthyDips
      .filter((d) => d.kind === 'occupancy')
      .some((d) => {
        const returns = history.signals.filter((s) => s.subject.id === d.locationId && s.facts.kind === 'capacity-return');
        const occupancy = (s: Signal) => (s.facts.kind === 'capacity-return' ? s.facts.usedBeds / s.facts.maxCapacity : 0);
        const during = returns.filter((s) => s.describedOn >= d.from && s.describedOn <= d.to).map(occupancy);
        const after = returns.filter((s) => s.describedOn > d.to).map(occupancy);
        return during.length > 0 && after.length > 0 && Math.max(...after) > Math.min(...during) + 0.05;
      });

    // Assess
    expect(new Set(healthyDips.map((d) => d.kind))).toEqual(new Set(['occupancy', 'concern', 'late-filing', 'credit', 'manager-gap', 'embargo-lifted', 'contract-reinstated']));
    expect(healthyDips.every((d) => d.from <= d.to)).toBe(true);
    expect(lateFilingRecovered).toBe(true);
    expect(occupancyRecovered).toBe(true);
  });

  it('imports nothing from the scoring code or its configuration, directly or through its own modules', () => {
    // Prepare
    const forbidden = /shared\/(config\/|domain\/(scoring|roll-up|score-market|baseline|risk-model|trends)(\.js)?$)/;
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const importsOf = (file: string): string[] =>
      [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

    // Act: follow the relative imports of the history module through the project's own files
    const seen = new Set<string>();
    const specifiers: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        specifiers.push(specifier);
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      }
    };
    visit(resolve(root, 'cli/backtest/history.ts'));

    // Assess
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => forbidden.test(s))).toEqual([]);
  });
});

describe('generateHistory: re-registrations', () => {
  it('re-registers care homes at about the stated rate, more often than they close', () => {
    // Prepare
    const careHomes = new Set(atStart.filter(isCareHome).map((l) => l.locationId));
    const years = OPTIONS.months / 12;

    // Act
    const reRegistered = history.reRegistrations.filter((r) => careHomes.has(r.predecessorId)).length;
    const closed = history.events.filter((e) => e.kind === 'closure' && isCareHome(locationById.get(e.locationId)!)).length;

    // Assess: below the stated chance a year at most, as a home that fails first or whose company fails is not sold
    const perYear = reRegistered / careHomes.size / years;
    expect(perYear).toBeGreaterThan(0.6 * RE_REGISTRATION_PARAMETERS.perYear['residential-home']);
    expect(perYear).toBeLessThan(1.1 * RE_REGISTRATION_PARAMETERS.perYear['residential-home']);
    expect(reRegistered / closed).toBeGreaterThan(1.2);
    expect(reRegistered / closed).toBeLessThan(2.4);
    expect(new Set(history.reRegistrations.map((r) => r.kind))).toEqual(new Set(['ownership-change', 'move']));
  });

  it('registers each change of owner the day the old location is deregistered, at its address under another provider', () => {
    // Prepare
    const changes = history.reRegistrations.filter((r) => r.kind === 'ownership-change');
    const moves = history.reRegistrations.filter((r) => r.kind === 'move');
    const registrationOn = (id: string, on: string) =>
      signalsOf(id).find((s) => s.facts.kind === 'registration' && s.describedOn === on)?.facts;

    // Act
    const pairs = history.reRegistrations.map((r) => ({ r, before: locationById.get(r.predecessorId)!, after: locationById.get(r.successorId)! }));

    // Assess
    expect(changes.length).toBeGreaterThan(0);
    expect(moves.length).toBeGreaterThan(0);
    for (const { r, before, after } of pairs) {
      expect(before.deregisteredOn).toBe(r.on);
      expect(after.registeredOn).toBe(r.on);
      expect({ name: after.name, council: after.councilGss, kind: after.serviceKind, beds: after.beds }).toEqual({ name: before.name, council: before.councilGss, kind: before.serviceKind, beds: before.beds });
      expect(registrationOn(r.predecessorId, r.on)).toMatchObject({ status: 'Deregistered' });
      expect(registrationOn(r.successorId, r.on)).toMatchObject({ status: 'Registered' });
      if (r.kind === 'ownership-change') {
        expect(after.providerId).not.toBe(before.providerId);
        expect([after.uprn, after.postcode]).toEqual([before.uprn, before.postcode]);
      } else {
        expect(after.providerId).toBe(before.providerId);
        expect(after.uprn).not.toBe(before.uprn);
        expect(after.postcode).not.toBe(before.postcode);
      }
    }
  });

  it('states most links as CQC relationships, and the pipeline matches every other change of owner by its UPRN', () => {
    // Prepare
    const byPredecessor = new Map(history.reRegistrations.map((r) => [r.predecessorId, r]));
    const closures = new Set(history.events.filter((e) => e.kind === 'closure').map((e) => e.locationId));

    // Act
    const known = knownLinks(history);
    const linkedBy = new Map(known.map((link) => [link.predecessorId, link]));
    const unlinked = history.reRegistrations.filter((r) => !linkedBy.has(r.predecessorId));

    // Assess
    const stated = history.links.length / history.reRegistrations.length;
    expect(Math.abs(stated - RE_REGISTRATION_PARAMETERS.statedByCqcShare)).toBeLessThan(0.1);
    for (const link of history.links) {
      const r = byPredecessor.get(link.predecessorId)!;
      expect(link).toMatchObject({ successorId: r.successorId, linkedOn: r.on, kind: r.kind, evidence: 'cqc-relationship', source: 'cqc-api', confidence: 1 });
      expect(link.receivedOn >= r.on && link.receivedOn <= addDays(r.on, 7)).toBe(true);
    }
    expect(known.filter((link) => link.evidence === 'same-uprn').length).toBeGreaterThan(0);
    for (const link of known) expect(link.successorId).toBe(byPredecessor.get(link.predecessorId)?.successorId);
    expect(known.some((link) => closures.has(link.predecessorId))).toBe(false);
    // Only a move CQC does not state is left: it has a new address.
    expect(unlinked.every((r) => r.kind === 'move')).toBe(true);
  });

  it('makes no re-registration a failure event, and gives a failure after a sale to the successor', () => {
    // Prepare
    const predecessors = new Set(history.reRegistrations.map((r) => r.predecessorId));
    const byKey = signalByKey(history);

    // Act
    const onPredecessors = history.events.filter((e) => predecessors.has(e.locationId));
    const onSuccessors = history.events.filter((e) => successorIds.has(e.locationId));

    // Assess
    expect(onPredecessors).toEqual([]);
    expect(onSuccessors.length).toBeGreaterThan(0);
    for (const event of onSuccessors) {
      expect(event.providerId).toBe(locationById.get(event.locationId)!.providerId);
      for (const key of event.outcomeSignalKeys) expect(byKey.get(key)?.subject.id).toBe(event.locationId);
    }
  });

  it("carries the home's capacity returns on under the successor, and leaves the old registration silent after its deregistration", () => {
    // Prepare
    const sold = history.reRegistrations.filter((r) => isCareHome(locationById.get(r.predecessorId)!));
    const returnsOf = (id: string) => signalsOf(id).filter((s) => s.facts.kind === 'capacity-return');

    // Act
    const homes = sold.map((r) => ({ r, before: returnsOf(r.predecessorId), after: returnsOf(r.successorId), lateBefore: signalsOf(r.predecessorId).filter((s) => s.describedOn >= r.on) }));

    // Assess
    const carried = homes.filter((h) => h.before.length > 0 && h.after.length > 0);
    expect(carried.length).toBeGreaterThan(sold.length / 2);
    for (const { r, before, after, lateBefore } of homes) {
      expect(before.every((s) => s.describedOn < r.on)).toBe(true);
      expect(after.every((s) => s.describedOn >= r.on)).toBe(true);
      expect(lateBefore.map((s) => s.facts)).toEqual([expect.objectContaining({ kind: 'registration', status: 'Deregistered' })]);
    }
    for (const { r, after } of carried) {
      // The next month's return is the successor's (a return is missed now and then).
      expect(after[0]!.describedOn <= addMonths(r.on, 2)).toBe(true);
      expect(after.every((s) => s.facts.kind === 'capacity-return' && s.facts.maxCapacity === locationById.get(r.successorId)!.beds)).toBe(true);
    }
  });
});

// A whole backtest scores every location monthly for four years: tens of seconds on a loaded 2-core machine.
describe('runBacktest end to end', { timeout: 300_000 }, () => {
  it('replays a small market and reports every metric within its range', () => {
    // Prepare: the small market generated above

    // Act
    const report = runBacktest(small);

    // Assess
    expect(report.modelVersion).toBe(riskModel().version);
    // The services in the market: the 300 it started with and those opened since.
    const opened = small.locations.filter((l) => l.registeredOn >= small.from && !small.reRegistrations.some((r) => r.successorId === l.locationId)).length;
    expect(opened).toBeGreaterThan(0);
    expect(report.generator).toMatchObject({ seed: OPTIONS.seed, locations: 300 + opened, from: '2021-01-01', to: '2024-12-31' });
    expect(report.parameters.scoringDates).toBe(48);
    expect(report.counts.evaluatedWithPrecursor + report.counts.evaluatedWithoutPrecursor).toBe(report.counts.evaluatedFailures);
    expect(report.counts.withheldSignals).toBeGreaterThan(0);
    const shares: (number | null)[] = [report.auc.value];
    for (const band of [report.bands.Red, report.bands['Amber+']]) {
      shares.push(band.recall.recall, band.withPrecursor.recall, band.withoutPrecursor.recall, band.precision.precision);
      expect(band.falseAlarms.per1000LocationMonths).toBeGreaterThanOrEqual(0);
      expect(band.falseAlarms.per1000LocationMonths).toBeLessThanOrEqual(1000);
      if (band.leadTimeDays.median !== null) expect(band.leadTimeDays.median).toBeGreaterThan(0);
    }
    for (const share of shares.filter((s): s is number => s !== null)) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    expect(report.bands['Amber+'].recall.warned).toBeGreaterThanOrEqual(report.bands.Red.recall.warned);
    for (const ceiling of [report.ceilings.recall, report.ceilings.auc]) expect(ceiling === null || (ceiling >= 0 && ceiling <= 1)).toBe(true);
    expect(report.targets.map((t) => t.target)).toHaveLength(4);
    expect(report.targets.every((t) => typeof t.met === 'boolean')).toBe(true);
    expect(report.calibration.likelihoodIs).toBe(riskModel().calibration ? 'probability' : 'points');
    expect(report.calibration.bins.reduce((sum, b) => sum + b.locationMonths, 0)).toBe(report.auc.locationMonths);
    expect(report.calibration.bins.reduce((sum, b) => sum + b.events, 0)).toBe(report.auc.positives);
    expect(Object.keys(report.breakdowns.byFailureKind)).toEqual(['inadequate', 'closure', 'insolvency']);
    expect(Object.values(report.breakdowns.byServiceKind).reduce((sum, k) => sum + k.failures, 0)).toBe(report.counts.evaluatedFailures);
    expect(Object.values(report.kindAlone.baseRates).reduce((sum, r) => sum + r.points, 0)).toBe(report.auc.locationMonths);
    for (const threshold of ['Red', 'Amber+'] as const) {
      const held = report.sustainedLead[threshold];
      expect(held.warned).toBe(report.bands[threshold].recall.warned);
      if (held.median !== null && report.bands[threshold].leadTimeDays.median !== null) expect(held.median).toBeLessThanOrEqual(report.bands[threshold].leadTimeDays.median);
      expect(report.flicker[threshold].locationMonths).toBe(report.auc.locationMonths);
    }
  });

  it('judges only the test period given, and refuses one outside the history', () => {
    // Prepare: the small market generated above

    // Act
    const report = runBacktest(small, { testFrom: '2023-01-01' });

    // Assess
    expect(report.parameters.testFrom).toBe('2023-01-01');
    expect(report.parameters.windows).toMatchObject({ failuresFrom: '2023-01-01', alarmsFrom: '2023-01-01', alarmsTo: '2023-12-31', failuresTo: '2024-12-31' });
    expect(report.counts.evaluatedFailures).toBe(small.events.filter((e) => e.on >= '2023-01-01').length);
    expect(() => runBacktest(small, { testFrom: '2021-06-01' })).toThrow(/warm-up/);
    expect(() => runBacktest(small, { testFrom: '2024-01-01' })).toThrow(/follow-up/);
  });
});
