import { describe, expect, it } from 'vitest';
import { computeBaseline, RATE_PRIOR_UNITS } from '../../shared/domain/baseline.js';
import type { Location, Signal } from '../../shared/domain/model.js';
import { AS_OF, at, BRADFORD, capacityReturn, concern, LEEDS, location, MANCHESTER } from '../support/fixtures.js';

/** Two Leeds homes (a 60-bed nursing home that reports, a 40-bed residential one that does not) and a home care service in Bradford. */
function market(): { locations: Location[]; signalsByLocation: Map<string, Signal[]> } {
  const nursing = location({ locationId: '1-100000011', serviceKind: 'nursing-home', beds: 60 });
  const residential = location({ locationId: '1-100000012', beds: 40 });
  const homeCare = location({ locationId: '1-100000013', councilGss: BRADFORD, serviceKind: 'home-care', beds: 0, sizeBand: null });
  const signalsByLocation = new Map<string, Signal[]>([
    [nursing.locationId, [capacityReturn('2025-09', { ...at(nursing.locationId), maxCapacity: 60, usedBeds: 50, declaredVacancies: 10 }), concern('2025-03-01', { ...at(nursing.locationId), section42Enquiry: true }), concern('2025-05-01', at(nursing.locationId))]],
    [residential.locationId, [concern('2025-06-01', at(residential.locationId))]],
    [homeCare.locationId, [concern('2025-07-01', { ...at(homeCare.locationId), section42Enquiry: true })]],
  ]);
  return { locations: [nursing, residential, homeCare], signalsByLocation };
}

describe('computeBaseline: the totals risk-model-3 reads', () => {
  it('counts each council care home beds by kind and at homes that report to Capacity Tracker', () => {
    // Prepare
    const { locations, signalsByLocation } = market();

    // Act
    const result = computeBaseline({ asOf: AS_OF, locations, signalsByLocation, scarceSpecialisms: [] });

    // Assess: the existing totals are as they were
    expect(result.councilBeds).toEqual({ [LEEDS]: 100 });
    expect(result.councilAdmittableVacancies).toEqual({ [LEEDS]: 10 });
    expect(result.councilBedsByKind).toEqual({ [`${LEEDS}#nursing-home`]: 60, [`${LEEDS}#residential-home`]: 40 });
    expect(result.councilReportingBeds).toEqual({ [LEEDS]: 60 });
  });

  it('rates concerns and s.42 enquiries apart, by region and kind, pooled toward the national rate', () => {
    // Prepare
    const { locations, signalsByLocation } = market();

    // Act
    const result = computeBaseline({ asOf: AS_OF, locations, signalsByLocation, scarceSpecialisms: [] });

    // Assess: Yorkshire holds every service, so its rate is the national one; other regions get it too
    const yorkshire = result.safeguardingRatesByKind!['Yorkshire and Humber'];
    expect(yorkshire['nursing-home'].concerns).toBeCloseTo(2 / 6, 10);
    expect(yorkshire['nursing-home'].enquiries).toBeCloseTo(1 / 6, 10);
    expect(yorkshire['residential-home']).toEqual({ concerns: 1 / 4, enquiries: 0 });
    expect(yorkshire['home-care']).toEqual({ concerns: 1, enquiries: 1 });
    expect(result.safeguardingRatesByKind!['North West']['nursing-home'].concerns).toBeCloseTo(2 / 6, 10);
    expect(result.safeguardingRatesByKind!['North West']['community-other']).toEqual({ concerns: 0, enquiries: 0 });
    // The pooled rate still counts an enquiry as a second concern: 3 + 1 over 100 beds
    expect(result.safeguardingRates['Yorkshire and Humber'].per10Beds).toBeCloseTo(0.4, 10);
  });

  it('shrinks a thin region rate toward the national one by the prior exposure', () => {
    // Prepare: a Manchester home of 10 beds with 3 concerns, against Leeds's quiet 1,000 beds
    const quiet = location({ locationId: '1-100000021', beds: 1_000 });
    const busy = location({ locationId: '1-100000022', councilGss: MANCHESTER, beds: 10 });
    const signalsByLocation = new Map<string, Signal[]>([[busy.locationId, ['2025-02-01', '2025-04-01', '2025-06-01'].map((d) => concern(d, at(busy.locationId)))]]);

    // Act
    const result = computeBaseline({ asOf: AS_OF, locations: [quiet, busy], signalsByLocation, scarceSpecialisms: [] });

    // Assess: national 3 concerns over 101 units; the North West's 3 over 1 unit, pooled with 100 units at that rate
    const national = 3 / 101;
    const northWest = (3 + RATE_PRIOR_UNITS * national) / (1 + RATE_PRIOR_UNITS);
    expect(result.safeguardingRatesByKind!['North West']['residential-home'].concerns).toBeCloseTo(northWest, 10);
    expect(result.safeguardingRatesByKind!['North West']['residential-home'].concerns).toBeLessThan(0.1);
  });
});
