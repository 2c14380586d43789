import { describe, expect, it } from 'vitest';
import type { MarketBaseline } from '../../shared/domain/baseline.js';
import type { Family, Location, RiskAssessment, Signal } from '../../shared/domain/model.js';
import { rollUp } from '../../shared/domain/roll-up.js';
import { scoreMarket } from '../../shared/domain/score-market.js';
import { HARD_TRIGGERS } from '../../shared/domain/scoring.js';
import {
  AS_OF,
  at,
  baseline,
  BRADFORD,
  CAMDEN,
  capacityReturn,
  financial,
  LEEDS,
  location,
  MANCHESTER,
  MODEL,
  onProvider,
  provider,
  rating,
  score,
} from '../support/fixtures.js';

const P1 = '1-900000001';
const P2 = '1-900000002';
const P3 = '1-900000003';
const P4 = '1-900000004';

const familyScore = (assessment: RiskAssessment, family: Family) => assessment.families.find((f) => f.family === family)?.score;

interface Home {
  location: Location;
  signals: Signal[];
}

/** A home with a rating and a return at the given occupancy (used of max places). */
function home(
  locationId: string,
  overrides: Partial<Location>,
  overall: 'Outstanding' | 'Good' | 'Requires improvement' | 'Inadequate',
  occupancy: { usedBeds: number; maxCapacity: number } | null = { usedBeds: 19, maxCapacity: 20 },
): Home {
  const signals = [rating(overall, { ...at(locationId), describedOn: '2025-08-01' })];
  if (occupancy) signals.push(capacityReturn('2025-09', { ...at(locationId), ...occupancy }));
  return { location: location({ locationId, ...overrides }), signals };
}

function scoreHome(h: Home, providerSignals: Signal[] = [], b: MarketBaseline = baseline()): RiskAssessment {
  return score({ location: h.location, signals: h.signals, providerSignals, baseline: b });
}

function providerOf(members: RiskAssessment[], id = P1, b: MarketBaseline = baseline()): RiskAssessment {
  return rollUp({ subject: { type: 'provider', id }, name: `Provider ${id}`, members, baseline: b, asOf: AS_OF, model: MODEL });
}

describe('rollUp: a provider from its locations', () => {
  it('marks a provider with homes in two councils as shared and lists both councils and regions', () => {
    // Prepare
    const leeds = home('1-100000001', { councilGss: LEEDS, beds: 30 }, 'Good');
    const manchester = home('1-100000002', { councilGss: MANCHESTER, serviceKind: 'nursing-home', beds: 10 }, 'Good');

    // Act
    const result = providerOf([scoreHome(leeds), scoreHome(manchester)]);

    // Assess
    expect(result.subject).toEqual({ type: 'provider', id: P1 });
    expect(result.sharedAcrossCouncils).toBe(true);
    expect(result.councils).toEqual([MANCHESTER, LEEDS]);
    expect(result.regions).toEqual(['North West', 'Yorkshire and Humber']);
    expect(result.beds).toBe(40);
  });

  it('is not shared when every home is in one council', () => {
    // Prepare
    const first = home('1-100000001', { councilGss: LEEDS, beds: 30 }, 'Good');
    const second = home('1-100000002', { councilGss: LEEDS, beds: 10 }, 'Good');

    // Act
    const result = providerOf([scoreHome(first), scoreHome(second)]);

    // Assess
    expect(result.sharedAcrossCouncils).toBe(false);
    expect(result.councils).toEqual([LEEDS]);
  });

  it('weights family scores by beds, counting a community service as 10 beds', () => {
    // Prepare
    // A: 30 beds, Good (quality 10), 95% full (occupancy 0)
    // B: 10 beds, Requires improvement (quality 60), 82% full (occupancy 60)
    // C: home care, no beds (weight 10), Inadequate (quality 100), no occupancy family
    const a = home('1-100000001', { councilGss: LEEDS, beds: 30 }, 'Good');
    const b = home('1-100000002', { councilGss: MANCHESTER, beds: 10 }, 'Requires improvement', { usedBeds: 41, maxCapacity: 50 });
    const c = home('1-100000003', { councilGss: LEEDS, serviceKind: 'home-care', beds: 0, sizeBand: null }, 'Inadequate', null);

    // Act
    const result = providerOf([scoreHome(a), scoreHome(b), scoreHome(c)]);

    // Assess
    // quality (30 x 10 + 10 x 60 + 10 x 100) / 50 = 38; occupancy (30 x 0 + 10 x 60) / 40 = 15
    expect(familyScore(result, 'quality')).toBe(38);
    expect(familyScore(result, 'occupancy')).toBe(15);
    expect(familyScore(result, 'safeguarding')).toBe(0);
    expect(familyScore(result, 'financial')).toBeNull();
    expect(familyScore(result, 'workforce')).toBeNull();
    // likelihood (0.3 x 38 + 0.2 x 0 + 0.15 x 15) / 0.65 = 21
    expect(result.likelihood).toBe(21);
    // confidence (30 x 0.65 + 10 x 0.65 + 10 x 0.5) / 50 = 0.62
    expect(result.confidence).toBe(0.62);
    // C's trigger holds 10 / 50 = 20% of the weight: not enough to pin the provider
    expect(result.hardTriggers).toEqual([]);
    expect(result.band).toBe('Green');
  });

  it('does not pin the provider Red for a trigger at a home with under 25% of its beds', () => {
    // Prepare: the Inadequate home has 10 of 41 beds (24.4%)
    const big = home('1-100000001', { beds: 31 }, 'Good');
    const small = home('1-100000002', { beds: 10 }, 'Inadequate');
    const smallAssessment = scoreHome(small);

    // Act
    const result = providerOf([scoreHome(big), smallAssessment]);

    // Assess
    expect(smallAssessment.band).toBe('Red');
    expect(result.hardTriggers).toEqual([]);
    expect(result.likelihood).toBeLessThan(MODEL.bands.amberFrom);
    expect(result.band).toBe('Green');
  });

  it('pins the provider Red for a trigger at a home with 25% of its beds', () => {
    // Prepare: the Inadequate home has 10 of 40 beds (exactly 25%)
    const big = home('1-100000001', { beds: 30 }, 'Good');
    const small = home('1-100000002', { beds: 10 }, 'Inadequate');

    // Act
    const result = providerOf([scoreHome(big), scoreHome(small)]);

    // Assess
    expect(result.hardTriggers).toEqual([HARD_TRIGGERS.inadequateOverall]);
    expect(result.likelihood).toBeLessThan(MODEL.bands.amberFrom);
    expect(result.band).toBe('Red');
    expect(result.monitoringLevel).toBe('Enhanced');
  });

  it('adds up the shares of homes with the same trigger', () => {
    // Prepare: two Inadequate homes of 10 beds each (20% apiece, 40% together) and a 30-bed Good home
    const good = home('1-100000001', { beds: 30 }, 'Good');
    const first = home('1-100000002', { beds: 10 }, 'Inadequate');
    const second = home('1-100000003', { beds: 10 }, 'Inadequate');

    // Act
    const result = providerOf([scoreHome(good), scoreHome(first), scoreHome(second)]);

    // Assess
    expect(result.hardTriggers).toEqual([HARD_TRIGGERS.inadequateOverall]);
    expect(result.band).toBe('Red');
  });

  it('keeps a company-level factor at its full points and a single home factor at its share', () => {
    // Prepare: the company's accounts are 45 days overdue (15) with a new charge (15), seen by both homes;
    // only the 10-bed home (25% of the beds) is 82% full (60)
    const company = [financial({ ...onProvider(P1), describedOn: '2025-09-01', accountsOverdueDays: 45, newChargeWithin12Months: true })];
    const big = home('1-100000001', { beds: 30 }, 'Good');
    const small = home('1-100000002', { beds: 10 }, 'Good', { usedBeds: 41, maxCapacity: 50 });

    // Act
    const result = providerOf([scoreHome(big, company), scoreHome(small, company)]);

    // Assess
    expect(familyScore(result, 'financial')).toBe(30);
    const byIndicator = new Map(result.factors.map((f) => [f.indicator, f]));
    expect(byIndicator.get('Accounts 45 days overdue')?.points).toBe(15);
    expect(byIndicator.get('New charge registered')?.points).toBe(15);
    expect(byIndicator.get('Overall rating Good')?.points).toBe(10);
    expect(byIndicator.get('Occupancy 82% at Home 1-100000002')?.points).toBe(15);
    expect(result.factors.every((f) => f.evidence.length > 0)).toBe(true);
  });

  it('pins the provider Red for a company-level trigger whatever the homes\' sizes', () => {
    // Prepare: the company is in administration; every home carries the trigger
    const company = [financial({ ...onProvider(P1), describedOn: '2025-09-01', companyStatus: 'administration' })];
    const homes = ['1-100000001', '1-100000002', '1-100000003', '1-100000004', '1-100000005'].map((id) => home(id, { beds: 20 }, 'Good'));

    // Act
    const result = providerOf(homes.map((h) => scoreHome(h, company)));

    // Assess
    expect(result.hardTriggers).toEqual([HARD_TRIGGERS.insolvency]);
    expect(result.band).toBe('Red');
  });
});

describe('rollUp: a group from its providers', () => {
  it('rolls up its providers, weighting families by each provider\'s beds', () => {
    // Prepare
    // P1: Leeds 30 beds Good (10) and Manchester 10 beds Requires improvement (60): quality 22.5
    // P2: Camden 20 beds Outstanding (0): quality 0
    const p1 = providerOf(
      [
        scoreHome(home('1-100000001', { councilGss: LEEDS, beds: 30 }, 'Good')),
        scoreHome(home('1-100000002', { councilGss: MANCHESTER, beds: 10 }, 'Requires improvement')),
      ],
      P1,
    );
    const p2 = providerOf([scoreHome(home('1-100000003', { councilGss: CAMDEN, beds: 20 }, 'Outstanding'))], P2);

    // Act
    const result = rollUp({ subject: { type: 'group', id: 'G1' }, name: 'Group One', members: [p1, p2], baseline: baseline(), asOf: AS_OF, model: MODEL });

    // Assess: quality (40 x 22.5 + 20 x 0) / 60 = 15
    expect(familyScore(p1, 'quality')).toBe(22.5);
    expect(familyScore(p2, 'quality')).toBe(0);
    expect(familyScore(result, 'quality')).toBe(15);
    expect(result.subject).toEqual({ type: 'group', id: 'G1' });
    expect(result.councils).toEqual([MANCHESTER, LEEDS, CAMDEN]);
    expect(result.regions).toEqual(['Greater London', 'North West', 'Yorkshire and Humber']);
    expect(result.beds).toBe(60);
    expect(result.sharedAcrossCouncils).toBe(true);
  });

  it('is High impact when its providers together hold 10% of a council\'s beds, even if they also run homes elsewhere', () => {
    // Prepare: Leeds has 1,000 beds; each provider holds 60 (6%, Medium) there and 20 beds in another council
    const b = baseline({ councilBeds: { ...baseline().councilBeds, [LEEDS]: 1_000 } });
    const p1 = providerOf(
      [scoreHome(home('1-100000001', { councilGss: LEEDS, beds: 60 }, 'Good'), [], b), scoreHome(home('1-100000002', { councilGss: BRADFORD, beds: 20 }, 'Good'), [], b)],
      P1,
      b,
    );
    const p2 = providerOf(
      [scoreHome(home('1-100000003', { councilGss: LEEDS, beds: 60 }, 'Good'), [], b), scoreHome(home('1-100000004', { councilGss: MANCHESTER, beds: 20 }, 'Good'), [], b)],
      P2,
      b,
    );

    // Act
    const result = rollUp({ subject: { type: 'group', id: 'G1' }, name: 'Group One', members: [p1, p2], baseline: b, asOf: AS_OF, model: MODEL });

    // Assess: 120 of Leeds's 1,000 beds is 12%, at or above the 10% High-impact share
    expect(p1.impact).toBe('Medium');
    expect(p2.impact).toBe('Medium');
    expect(result.impact).toBe('High');
  });

  it('is High impact when two single-council providers together hold 10% of a council\'s beds', () => {
    // Prepare: the same 60 + 60 Leeds beds without the homes elsewhere
    const b = baseline({ councilBeds: { ...baseline().councilBeds, [LEEDS]: 1_000 } });
    const p1 = providerOf([scoreHome(home('1-100000001', { councilGss: LEEDS, beds: 60 }, 'Good'), [], b)], P1, b);
    const p2 = providerOf([scoreHome(home('1-100000003', { councilGss: LEEDS, beds: 60 }, 'Good'), [], b)], P2, b);

    // Act
    const result = rollUp({ subject: { type: 'group', id: 'G1' }, name: 'Group One', members: [p1, p2], baseline: b, asOf: AS_OF, model: MODEL });

    // Assess
    expect(p1.impact).toBe('Medium');
    expect(result.impact).toBe('High');
  });
});

describe('scoreMarket', () => {
  it('assesses every location, every provider with locations and every group with providers', () => {
    // Prepare
    const homes = [
      home('1-100000001', { providerId: P1, councilGss: LEEDS, beds: 30 }, 'Good'),
      home('1-100000002', { providerId: P1, councilGss: MANCHESTER, beds: 10 }, 'Requires improvement'),
      home('1-100000003', { providerId: P2, councilGss: CAMDEN, beds: 20 }, 'Outstanding'),
      home('1-100000004', { providerId: P3, councilGss: BRADFORD, beds: 15 }, 'Good'),
    ];
    const snapshot = {
      locations: homes.map((h) => h.location),
      providers: [
        provider({ providerId: P1, name: 'Provider One', groupId: 'G1' }),
        provider({ providerId: P2, name: 'Provider Two', groupId: 'G1' }),
        provider({ providerId: P3, name: 'Provider Three', groupId: null }),
        provider({ providerId: P4, name: 'Provider Four (no locations)', groupId: 'G2' }),
      ],
      groups: [
        { groupId: 'G1', name: 'Group One' },
        { groupId: 'G2', name: 'Group Two (no assessed providers)' },
        { groupId: 'G3', name: 'Group Three (no providers)' },
      ],
      signalsByLocation: new Map(homes.map((h) => [h.location.locationId, h.signals])),
      signalsByProvider: new Map<string, Signal[]>(),
    };

    // Act
    const result = scoreMarket(snapshot, AS_OF, MODEL, baseline());

    // Assess
    expect(result.locations.map((a) => a.subject)).toEqual(homes.map((h) => ({ type: 'location', id: h.location.locationId })));
    expect(result.providers.map((a) => a.subject.id)).toEqual([P1, P2, P3]);
    expect(result.providers.map((a) => a.subject.type)).toEqual(['provider', 'provider', 'provider']);
    expect(result.groups.map((a) => a.subject)).toEqual([{ type: 'group', id: 'G1' }]);
    const p1 = result.providers[0]!;
    expect(p1.name).toBe('Provider One');
    expect(p1.beds).toBe(40);
    expect(p1.councils).toEqual([MANCHESTER, LEEDS]);
    const g1 = result.groups[0]!;
    expect(g1.name).toBe('Group One');
    expect(g1.beds).toBe(60);
    expect(familyScore(g1, 'quality')).toBe(15);
  });

  it('scores each location with its provider\'s company-level signals', () => {
    // Prepare
    const homes = [home('1-100000001', { providerId: P1, beds: 30 }, 'Good'), home('1-100000002', { providerId: P2, beds: 30 }, 'Good')];
    const snapshot = {
      locations: homes.map((h) => h.location),
      providers: [provider({ providerId: P1 }), provider({ providerId: P2, companyNumber: '07654321' })],
      groups: [],
      signalsByLocation: new Map(homes.map((h) => [h.location.locationId, h.signals])),
      signalsByProvider: new Map([[P1, [financial({ ...onProvider(P1), describedOn: '2025-09-01', companyStatus: 'administration' })]]]),
    };

    // Act
    const result = scoreMarket(snapshot, AS_OF, MODEL, baseline());

    // Assess
    expect(result.locations.map((a) => a.hardTriggers)).toEqual([[HARD_TRIGGERS.insolvency], []]);
    expect(result.providers.map((a) => a.band)).toEqual(['Red', 'Green']);
  });
});
