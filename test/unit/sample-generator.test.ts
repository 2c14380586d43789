import { describe, expect, it } from 'vitest';
import { generateSample, PERSONAL_DATA_MARKER, type SampleFiles, stressedProviderIds } from '../../cli/sample/generate.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { type IsoDate, type Location, type Provider, SERVICE_KINDS, type Signal } from '../../shared/domain/model.js';
import type { ParseContext } from '../../shared/sources/batch.js';
import { parseCapacityTracker } from '../../shared/sources/capacity-tracker.js';
import { parseCommissionerActions } from '../../shared/sources/commissioner-actions.js';
import { parseCompaniesHouse } from '../../shared/sources/companies-house.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { parseSafeguardingReturn } from '../../shared/sources/safeguarding.js';

const AS_OF: IsoDate = '2025-09-30';

/** A hand-made register: 240 providers with one to three services each across two regions' councils. */
function register(): { locations: Location[]; providers: Provider[] } {
  const councils = COUNCILS.filter((council) => council.region === 'North West' || council.region === 'East Midlands');
  const providers: Provider[] = [];
  const locations: Location[] = [];
  for (let p = 0; p < 240; p++) {
    const providerId = `1-${100000000 + p}`;
    providers.push({
      providerId,
      name: `Provider ${p} Care Ltd`,
      companyNumber: p % 6 === 0 ? null : String(1000000 + p).padStart(8, '0'),
      ownershipType: 'Organisation',
      groupId: null,
    });
    for (let l = 0; l <= p % 3; l++) {
      const council = councils[(p * 3 + l) % councils.length]!;
      const serviceKind = SERVICE_KINDS[(p + l) % SERVICE_KINDS.length]!;
      const careHome = serviceKind === 'nursing-home' || serviceKind === 'residential-home';
      locations.push({
        locationId: `1-${200000000 + p * 10 + l}`,
        providerId,
        name: `Service ${p}-${l}`,
        councilGss: council.gss,
        region: council.region,
        serviceKind,
        beds: careHome ? 12 + ((p * 7 + l * 13) % 70) : 0,
        sizeBand: null,
        specialisms: [],
        registeredOn: '2016-04-01',
      });
    }
  }
  return { locations, providers };
}

function parseAll(files: SampleFiles) {
  const context: ParseContext = { origin: 'sample', receivedOn: AS_OF, snapshotOn: AS_OF };
  const capacity = files.capacityReturns.map((file) =>
    parseCapacityTracker(file.csv, { origin: file.period, receivedOn: file.snapshotOn, snapshotOn: file.snapshotOn }),
  );
  const others = [
    parseSafeguardingReturn(files.safeguardingCsv, context),
    parseCompaniesHouse(files.companiesHouseJsonl, context),
    parseCommissionerActions(files.commissionerActionsCsv, context),
  ];
  const placements = parsePlacements(files.placementsCsv, context);
  const batches = [...capacity, ...others];
  return {
    signals: batches.flatMap((batch) => batch.signals),
    capacitySignals: capacity.flatMap((batch) => batch.signals),
    placements: placements.placements,
    quarantine: [...batches.flatMap((batch) => batch.quarantine), ...placements.quarantine],
    batches: [...batches, placements],
  };
}

const occupancy = (signal: Signal): number =>
  signal.facts.kind === 'capacity-return' ? signal.facts.usedBeds / signal.facts.maxCapacity : Number.NaN;
const mean = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0) / values.length;

describe('generateSample', () => {
  const { locations, providers } = register();
  const files = generateSample({ seed: 7, asOf: AS_OF, locations, providers });

  it('gives byte-identical files for the same seed, whatever the order of the register, and different ones for another seed', () => {
    // Prepare
    const reversed = { seed: 7, asOf: AS_OF, locations: [...locations].reverse(), providers: [...providers].reverse() };

    // Act
    const again = generateSample(reversed);
    const other = generateSample({ seed: 8, asOf: AS_OF, locations, providers });

    // Assess
    expect(JSON.stringify(again)).toBe(JSON.stringify(files));
    expect(other.safeguardingCsv).not.toBe(files.safeguardingCsv);
    expect(other.companiesHouseJsonl).not.toBe(files.companiesHouseJsonl);
    expect(other.capacityReturns.at(-1)?.csv).not.toBe(files.capacityReturns.at(-1)?.csv);
  });

  it('writes files every parser reads without a single quarantined record', () => {
    // Prepare
    const careHomes = locations.filter((l) => l.serviceKind === 'nursing-home' || l.serviceKind === 'residential-home');

    // Act
    const parsed = parseAll(files);

    // Assess
    expect(parsed.quarantine).toEqual([]);
    const kinds = new Set(parsed.signals.map((signal) => signal.facts.kind));
    expect([...kinds].sort()).toEqual(['capacity-return', 'commissioner-action', 'financial-indicator', 'safeguarding-concern']);
    expect(new Set(parsed.capacitySignals.map((s) => s.subject.id))).toEqual(new Set(careHomes.map((home) => home.locationId)));
    expect(new Set(parsed.placements.map((p) => p.locationId))).toEqual(new Set(careHomes.map((home) => home.locationId)));
    expect(parsed.signals.every((signal) => signal.describedOn <= AS_OF)).toBe(true);
  });

  it('puts the personal-data marker in every personal column of the raw files, and none survives parsing', () => {
    // Prepare
    const raw = [files.capacityReturns[0]!.csv, files.safeguardingCsv, files.companiesHouseJsonl, files.commissionerActionsCsv];

    // Act
    const parsed = parseAll(files);

    // Assess
    for (const text of raw) expect(text).toContain(PERSONAL_DATA_MARKER);
    expect(files.companiesHouseJsonl).toMatch(/"practitioners":\[\{"name":"PII-MARKER /);
    expect(files.safeguardingCsv).toMatch(/,PII-MARKER \d{4}-\d{2}-\d{2},/);
    expect(JSON.stringify(parsed.batches)).not.toContain(PERSONAL_DATA_MARKER);
  });

  it('gives stressed providers lower and falling occupancy, around a sector average of about 86%', () => {
    // Prepare
    const stressed = new Set(stressedProviderIds({ seed: 7, locations }));
    const providerOf = new Map(locations.map((l) => [l.locationId, l.providerId]));
    const lastPeriods = new Set(files.capacityReturns.slice(-3).map((file) => file.period));
    const firstPeriods = new Set(files.capacityReturns.slice(0, 3).map((file) => file.period));

    // Act
    const returns = parseAll(files).capacitySignals;
    const average = (inStress: boolean, periods: Set<string>) =>
      mean(
        returns
          .filter((s) => stressed.has(providerOf.get(s.subject.id)!) === inStress)
          .filter((s) => s.facts.kind === 'capacity-return' && periods.has(s.facts.period))
          .map(occupancy),
      );

    // Assess
    expect(stressed.size).toBe(24);
    expect(average(true, lastPeriods)).toBeLessThan(0.8);
    expect(average(true, lastPeriods)).toBeLessThan(average(false, lastPeriods) - 0.08);
    expect(average(true, lastPeriods)).toBeLessThan(average(true, firstPeriods));
    expect(mean(returns.map(occupancy))).toBeGreaterThan(0.83);
    expect(mean(returns.map(occupancy))).toBeLessThan(0.89);
  });

  it('leaves some care homes without recent returns, one at least for three months or more', () => {
    // Prepare
    const periods = files.capacityReturns.map((file) => file.period);

    // Act
    const lastPeriod = new Map<string, string>();
    for (const signal of parseAll(files).capacitySignals) {
      if (signal.facts.kind === 'capacity-return' && signal.facts.period > (lastPeriod.get(signal.subject.id) ?? '')) {
        lastPeriod.set(signal.subject.id, signal.facts.period);
      }
    }
    const monthsMissed = [...lastPeriod.values()].map((period) => periods.length - 1 - periods.indexOf(period));

    // Assess
    expect(periods).toHaveLength(12);
    expect(periods.at(-1)).toBe('2025-09');
    expect(monthsMissed.filter((missed) => missed > 0).length).toBeGreaterThanOrEqual(2);
    expect(monthsMissed.some((missed) => missed >= 3)).toBe(true);
  });

  it('ends the returns with the last month whose window has closed by asOf', () => {
    // Prepare
    const asOf: IsoDate = '2025-09-10';

    // Act
    const early = generateSample({ seed: 7, asOf, locations, providers });

    // Assess
    expect(early.capacityReturns).toHaveLength(12);
    expect(early.capacityReturns[0]?.snapshotOn).toBe('2024-09-14');
    expect(early.capacityReturns.at(-1)?.snapshotOn).toBe('2025-08-14');
  });

  it('has the host council place residents in every care home, and sometimes other councils of its region', () => {
    // Prepare
    const byLocation = new Map(locations.map((l) => [l.locationId, l]));
    const regionOf = new Map(COUNCILS.map((council) => [council.gss, council.region]));

    // Act
    const { placements } = parseAll(files);

    // Assess
    const hosts = placements.filter((p) => byLocation.get(p.locationId)!.councilGss === p.councilGss);
    const others = placements.filter((p) => byLocation.get(p.locationId)!.councilGss !== p.councilGss);
    expect(new Set(hosts.map((p) => p.locationId)).size).toBe(hosts.length);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((p) => regionOf.get(p.councilGss) === byLocation.get(p.locationId)!.region)).toBe(true);
  });
});
