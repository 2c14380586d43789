import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNCILS } from '../../shared/domain/councils.js';
import {
  buildHeatMap,
  FEWER_THAN_5,
  type HeatMap,
  HeatMap as HeatMapSchema,
  type HeatMapCell,
  SAFEGUARDING_COUNTS,
  type SafeguardingCount,
  type SafeguardingCountField,
  trendOf,
  WITHHELD,
} from '../../shared/domain/heatmap.js';
import { suppressSmallNumbers } from '../../shared/domain/small-numbers.js';

type Counts = Record<SafeguardingCountField, number>;
const ZERO: Counts = { concernsLast12Months: 0, concernsPrevious12Months: 0, section42EnquiriesLast12Months: 0, careHomeConcernsLast12Months: 0, careHomeConcernsPrevious12Months: 0 };
const EMPTY = buildHeatMap({ asOf: '2025-10-01', modelVersion: 'test', locations: [], facts: new Map(), locationAssessments: [], providerAssessments: [] });
const NORTH_EAST = COUNCILS.filter((c) => c.region === 'North East').map((c) => c.gss).sort();

/** A heat map whose councils hold the given counts (others zero), with region and England totals, rates and trends that add up. */
function heatMapOf(byCouncil: ReadonlyMap<string, Partial<Counts>>): HeatMap {
  const councilCounts = (code: string): Counts => ({ ...ZERO, ...byCouncil.get(code) });
  const totalOf = (cell: HeatMapCell): Counts => {
    const members = EMPTY.cells.filter((c) => c.area.level === 'council' && (cell.area.level === 'england' || c.area.region === cell.area.code));
    const counts = cell.area.level === 'council' ? [councilCounts(cell.area.code)] : members.map((c) => councilCounts(c.area.code));
    return Object.fromEntries(SAFEGUARDING_COUNTS.map((f) => [f, counts.reduce((sum, c) => sum + c[f], 0)])) as Counts;
  };
  return {
    ...EMPTY,
    cells: EMPTY.cells.map((cell) => {
      const counts = totalOf(cell);
      // Ten care home beds and two locations per concern: any rate will do, as long as it is there to withhold.
      return {
        ...cell,
        safeguarding: {
          ...counts,
          per100BedsLast12Months: counts.careHomeConcernsLast12Months * 10,
          per100BedsPrevious12Months: counts.careHomeConcernsPrevious12Months * 10,
          perLocationLast12Months: counts.concernsLast12Months / 2,
          perLocationPrevious12Months: counts.concernsPrevious12Months / 2,
          trend: trendOf(counts.concernsLast12Months, counts.concernsPrevious12Months),
          suppressed: [],
        },
      };
    }),
  };
}

const cellOf = (heatMap: HeatMap, code: string): HeatMapCell => heatMap.cells.find((c) => c.area.code === code)!;
const shown = (count: SafeguardingCount): number | null => (typeof count === 'number' ? count : null);

/** The values an unknown may take for an attacker reading the published map: its label and the same cell's shown counts. */
function domainOf(cell: HeatMapCell, field: SafeguardingCountField, cap: number, smallFrom: 0 | 1): number[] {
  const count = cell.safeguarding[field];
  if (typeof count === 'number') return [count];
  // A part is at most its whole, as published; a whole at least each part shown or withheld (5 or more).
  const wholes = { section42EnquiriesLast12Months: 'concernsLast12Months', careHomeConcernsLast12Months: 'concernsLast12Months', careHomeConcernsPrevious12Months: 'concernsPrevious12Months' } as const;
  const whole = field in wholes ? cell.safeguarding[wholes[field as keyof typeof wholes]] : undefined;
  const upper = whole === undefined ? cap : typeof whole === 'number' ? whole : whole.display === FEWER_THAN_5 ? 4 : cap;
  const parts = Object.entries(wholes).filter(([, w]) => w === field).map(([part]) => cell.safeguarding[part as SafeguardingCountField]);
  const lower = Math.max(0, ...parts.map((part) => (typeof part === 'number' ? part : part.display === WITHHELD ? 5 : 0)));
  const [lo, hi] = count.display === FEWER_THAN_5 ? [Math.max(smallFrom, lower), 4] : [Math.max(5, lower), cap];
  return Array.from({ length: Math.max(0, Math.min(hi, upper) - lo + 1) }, (_, i) => lo + i);
}

/** Every sum of one value from each domain (a subset-sum table over the sums' range); none if a domain is empty. */
function sumsOf(domains: readonly number[][]): Set<number> {
  if (domains.some((d) => d.length === 0)) return new Set();
  const mins = domains.map((d) => Math.min(...d));
  const base = mins.reduce((sum, m) => sum + m, 0);
  const width = domains.reduce((sum, d, i) => sum + Math.max(...d) - mins[i]!, 0);
  let reach = new Uint8Array(width + 1);
  reach[0] = 1;
  domains.forEach((domain, i) => {
    const next = new Uint8Array(width + 1);
    for (let s = 0; s <= width; s++) if (reach[s]) for (const v of domain) next[s + v - mins[i]!] = 1;
    reach = next;
  });
  return new Set([...reach.keys()].filter((s) => reach[s]).map((s) => s + base));
}

/**
 * Exhaustive over `total = sum of parts`: for each withheld term, the values it could take while every other
 * term takes a value of its own domain. A term with one possible value has been recovered by subtraction.
 */
function recovered(total: number[], parts: number[][]): boolean {
  const terms = [total, ...parts.map((d) => d.map((v) => -v))];
  const constant = terms.reduce((sum, d) => (d.length === 1 ? sum + d[0]! : sum), 0);
  const unknowns = terms.filter((d) => d.length > 1);
  return unknowns.some((domain, k) => {
    const others = sumsOf([[constant], ...unknowns.filter((_, i) => i !== k)]);
    return domain.filter((v) => others.has(-v)).length === 1;
  });
}

const countArb = fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 }, { arbitrary: fc.integer({ min: 5, max: 12 }), weight: 1 });
const councilArb = fc
  .tuple(countArb, countArb, fc.nat(12), fc.nat(12), fc.nat(12))
  .map(([last, previous, s42, homesLast, homesPrevious]): Counts => ({
    concernsLast12Months: last,
    concernsPrevious12Months: previous,
    section42EnquiriesLast12Months: Math.min(s42, last),
    careHomeConcernsLast12Months: Math.min(homesLast, last),
    careHomeConcernsPrevious12Months: Math.min(homesPrevious, previous),
  }));
/** Counts for the North East's twelve councils and a few others, so both whole regions and sparse ones are tried. */
const heatMapArb = fc
  .tuple(fc.array(councilArb, { minLength: NORTH_EAST.length, maxLength: NORTH_EAST.length }), fc.array(fc.tuple(fc.constantFrom(...COUNCILS.map((c) => c.gss)), councilArb), { maxLength: 6 }))
  .map(([northEast, others]) => heatMapOf(new Map([...NORTH_EAST.map((gss, i) => [gss, northEast[i]!] as const), ...others])));

describe('suppressSmallNumbers', () => {
  it('reads a council count of 1 to 4 as "fewer than 5" and withholds the rates and trend derived from it', () => {
    // Prepare: Newcastle 3 concerns (2 in care homes), Gateshead 9, Sunderland 7, both 9 the year before
    const [gateshead, newcastle, sunderland] = ['E08000037', 'E08000021', 'E08000024'];
    const raw = heatMapOf(
      new Map([
        [newcastle, { concernsLast12Months: 3, careHomeConcernsLast12Months: 2, concernsPrevious12Months: 9, careHomeConcernsPrevious12Months: 9 }],
        [gateshead, { concernsLast12Months: 9, careHomeConcernsLast12Months: 9, concernsPrevious12Months: 9, careHomeConcernsPrevious12Months: 9 }],
        [sunderland, { concernsLast12Months: 7, careHomeConcernsLast12Months: 7 }],
      ]),
    );

    // Act
    const heatMap = suppressSmallNumbers(raw);

    // Assess
    const { safeguarding } = cellOf(heatMap, newcastle);
    expect(safeguarding.concernsLast12Months).toEqual({ suppressed: true, display: FEWER_THAN_5 });
    expect(safeguarding.careHomeConcernsLast12Months).toEqual({ suppressed: true, display: FEWER_THAN_5 });
    expect(safeguarding.concernsPrevious12Months).toBe(9);
    expect([safeguarding.perLocationLast12Months, safeguarding.per100BedsLast12Months, safeguarding.trend]).toEqual([null, null, null]);
    expect(safeguarding.perLocationPrevious12Months).toBe(4.5);
    expect(safeguarding.suppressed).toEqual(['careHomeConcernsLast12Months', 'concernsLast12Months', 'per100BedsLast12Months', 'perLocationLast12Months', 'trend']);
    // The North East's total less Gateshead would give Newcastle: the smaller of the two others goes too.
    expect(cellOf(heatMap, sunderland).safeguarding.concernsLast12Months).toEqual({ suppressed: true, display: WITHHELD });
    expect(cellOf(heatMap, gateshead).safeguarding.concernsLast12Months).toBe(9);
    expect(cellOf(heatMap, 'North East').safeguarding.concernsLast12Months).toBe(19);
    expect(cellOf(heatMap, gateshead).safeguarding.trend).toBe('steady');
    expect(HeatMapSchema.parse(heatMap)).toEqual(heatMap);
  });

  it('withholds the region and England when no council is left to withhold beside a small one', () => {
    // Prepare: the North East's only concerns are Newcastle's 2
    const raw = heatMapOf(new Map([['E08000021', { concernsLast12Months: 2 }]]));

    // Act
    const heatMap = suppressSmallNumbers(raw);

    // Assess: the region reads "fewer than 5" itself, and England minus the other regions would give it
    expect(cellOf(heatMap, 'North East').safeguarding.concernsLast12Months).toEqual({ suppressed: true, display: FEWER_THAN_5 });
    expect(cellOf(heatMap, 'E92000001').safeguarding.concernsLast12Months).toEqual({ suppressed: true, display: FEWER_THAN_5 });
    expect(cellOf(heatMap, 'North West').safeguarding.concernsLast12Months).toBe(0);
  });

  it('leaves a map without small counts as it was', () => {
    // Prepare
    const raw = heatMapOf(new Map([['E08000021', { concernsLast12Months: 12 }], ['E08000037', { concernsLast12Months: 30 }]]));

    // Act
    const heatMap = suppressSmallNumbers(raw);

    // Assess
    expect(heatMap).toEqual(raw);
  });

  it('shows no count from 1 to 4 anywhere, and no rate or trend of a withheld count', () => {
    fc.assert(
      fc.property(heatMapArb, (raw) => {
        // Act
        const heatMap = suppressSmallNumbers(raw);

        // Assess
        for (const { safeguarding: s } of heatMap.cells) {
          for (const field of SAFEGUARDING_COUNTS) {
            const value = s[field];
            expect(typeof value === 'number' ? value === 0 || value >= 5 : s.suppressed.includes(field)).toBe(true);
          }
          if (typeof s.concernsLast12Months !== 'number' || typeof s.concernsPrevious12Months !== 'number') expect(s.trend).toBeNull();
          if (typeof s.careHomeConcernsLast12Months !== 'number') expect(s.per100BedsLast12Months).toBeNull();
          if (typeof s.concernsPrevious12Months !== 'number') expect(s.perLocationPrevious12Months).toBeNull();
        }
        expect(JSON.stringify(heatMap)).not.toMatch(/"(concerns|section42|careHomeConcerns)\w*":[1-4][,}]/);
      }),
      { numRuns: 150 },
    );
  });

  it('lets no withheld count be recovered from a region or England total by subtraction', () => {
    fc.assert(
      fc.property(heatMapArb, (raw) => {
        // Prepare
        const rawEngland = raw.cells.find((c) => c.area.level === 'england')!.safeguarding as Counts;

        // Act
        const heatMap = suppressSmallNumbers(raw);

        // Assess: region = its councils; England = the regions; England = every council
        const councils = heatMap.cells.filter((c) => c.area.level === 'council');
        const regions = heatMap.cells.filter((c) => c.area.level === 'region');
        const england = heatMap.cells.find((c) => c.area.level === 'england')!;
        for (const field of SAFEGUARDING_COUNTS) {
          // A shown England total bounds everything; a withheld one leaves "withheld" open above (cut off well past the truth).
          const cap = shown(england.safeguarding[field]) ?? 3 * rawEngland[field] + 20;
          // The rule withholds a zero as "fewer than 5" only in a region whose own total reads "fewer than 5".
          const readsFewerThan5 = (count: SafeguardingCount) => typeof count !== 'number' && count.display === FEWER_THAN_5;
          const smallRegions = new Set(regions.filter((r) => readsFewerThan5(r.safeguarding[field])).map((r) => r.area.code));
          const domain = (cell: HeatMapCell) => domainOf(cell, field, cap, cell.area.level === 'council' && smallRegions.has(cell.area.region ?? '') ? 0 : 1);
          const equation = (total: HeatMapCell, parts: HeatMapCell[]): [number[], number[][]] => [domain(total), parts.map(domain)];
          for (const region of regions) {
            const members = councils.filter((c) => c.area.region === region.area.code);
            expect(recovered(...equation(region, members)), `${field} in ${region.area.name}`).toBe(false);
          }
          expect(recovered(...equation(england, regions)), `${field}: England less the regions`).toBe(false);
          expect(recovered(...equation(england, councils)), `${field}: England less the councils`).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });
});
