// Small-number suppression for aggregate audiences: no safeguarding concern or enquiry count from 1 to 4 in any
// council, region or England cell, and no total from which one could be worked out by subtraction.
//
// The rule, per count (each of SAFEGUARDING_COUNTS on its own):
// 1. Primary: a count from 1 to 4 reads "fewer than 5". Zero is shown: it identifies no one.
// 2. Secondary, per ADASS region: the region total minus its councils' counts is a known figure (what the
//    region holds outside the 153 councils). While any withheld count in that equation could be pinned to one
//    value (one unknown alone, two "fewer than 5" summing to 2 or 8, "fewer than 5" plus a "withheld" summing
//    to 6, ...), the next smallest council with 5 or more is withheld too; when none is left, the region total.
//    If the region's own total is small and its small councils still add up to it alone (four councils of 1 in
//    a region of 4), a council of 0 is withheld as "fewer than 5" too (which is true), so "fewer than 5" may then
//    be 0 to 4.
// 3. England is withheld when any region total is, so England minus the other regions cannot recover it.
// "withheld" therefore always means 5 or more. An attacker is assumed to know this rule and, conservatively, a
// cell's other counts bounding this one (care home concerns and section 42 enquiries are at most the concerns
// of the same period); the previous and last 12 months are separate counts, and the trend between them is
// withheld whenever either is, so no difference between periods is published for a withheld count.
import {
  FEWER_THAN_5,
  type HeatMap,
  type HeatMapCell,
  SAFEGUARDING_COUNTS,
  type SafeguardingCount,
  type SafeguardingCountField,
  type SafeguardingFigure,
  WITHHELD,
} from './heatmap.js';

export const SMALL_NUMBER_LIMIT = 5;

/** `zero`: a zero withheld as "fewer than 5" when nothing else can hide a region's small counts. */
type Status = 'shown' | 'small' | 'zero' | 'withheld';
type Cell = HeatMapCell;

type Rate = 'per100BedsLast12Months' | 'per100BedsPrevious12Months' | 'perLocationLast12Months' | 'perLocationPrevious12Months';
/** The rate each count lets a reader work back from (beds and locations are published), and whether the trend does. */
const DERIVED_FROM: Record<SafeguardingCountField, { rates: readonly Rate[]; trend: boolean }> = {
  concernsLast12Months: { rates: ['perLocationLast12Months'], trend: true },
  concernsPrevious12Months: { rates: ['perLocationPrevious12Months'], trend: true },
  section42EnquiriesLast12Months: { rates: [], trend: false },
  careHomeConcernsLast12Months: { rates: ['per100BedsLast12Months'], trend: false },
  careHomeConcernsPrevious12Months: { rates: ['per100BedsPrevious12Months'], trend: false },
};

/** The same cell's count that bounds this one from above (a part is at most its whole). */
const WHOLE_OF: Partial<Record<SafeguardingCountField, SafeguardingCountField>> = {
  section42EnquiriesLast12Months: 'concernsLast12Months',
  careHomeConcernsLast12Months: 'concernsLast12Months',
  careHomeConcernsPrevious12Months: 'concernsPrevious12Months',
};

const isSmall = (value: number): boolean => value >= 1 && value < SMALL_NUMBER_LIMIT;

interface Term {
  cell: number;
  /** +1 for the total, -1 for a part: total - parts = the equation's constant. */
  sign: 1 | -1;
}
type Interval = readonly [number, number];

/** Statuses already decided, by count: wholes come before their parts in SAFEGUARDING_COUNTS. */
type Decided = ReadonlyMap<SafeguardingCountField, readonly Status[]>;

/**
 * The values a withheld count could take for an attacker who knows the rule: 1-4 (0-4 where zeros are withheld
 * too, since the two look alike) or 5 and more, narrowed by the same cell's other counts: at most its whole as
 * published, and at least each of its parts (taken at their value, or 1 for "fewer than 5", which only makes
 * the check stricter than what is published).
 */
function domainOf(cells: readonly Cell[], index: number, field: SafeguardingCountField, status: Status, zerosWithheld: boolean, decided: Decided): Interval {
  const raw = (f: SafeguardingCountField) => rawCount(cells[index]!, f);
  const whole = WHOLE_OF[field];
  const wholeStatus = whole === undefined ? undefined : decided.get(whole)?.[index];
  const upper = whole === undefined || wholeStatus === 'withheld' ? Infinity : wholeStatus === 'shown' ? raw(whole) : SMALL_NUMBER_LIMIT - 1;
  const partsOf = SAFEGUARDING_COUNTS.filter((f) => WHOLE_OF[f] === field).map((f) => (isSmall(raw(f)) ? 1 : raw(f)));
  const lower = Math.max(0, ...partsOf);
  const [lo, hi] = status === 'withheld' ? [SMALL_NUMBER_LIMIT, Infinity] : [zerosWithheld ? 0 : 1, SMALL_NUMBER_LIMIT - 1];
  return [Math.max(lo, lower), Math.min(hi, upper)];
}

/**
 * Whether some withheld term of `total - parts = constant` is pinned to a single value, given each unknown's
 * interval: interval sums are exact for one linear equation over integers.
 */
export function pinsAValue(terms: readonly { sign: 1 | -1; value: number | null; domain: Interval }[], constant: number): boolean {
  // Move the shown terms across: the unknowns' signed sum is a known figure.
  const known = constant - terms.reduce((sum, t) => (t.value === null ? sum : sum + t.sign * t.value), 0);
  const unknowns = terms.filter((t) => t.value === null);
  if (unknowns.length === 0) return false;
  const signed = unknowns.map(({ sign, domain: [lo, hi] }): Interval => (sign === 1 ? [lo, hi] : [-hi, -lo]));
  return unknowns.some((term, k) => {
    const [otherLo, otherHi] = signed.reduce<Interval>((acc, d, i) => (i === k ? acc : [acc[0] + d[0], acc[1] + d[1]]), [0, 0]);
    const [signedLo, signedHi] = [known - otherHi, known - otherLo];
    const [lo, hi] = term.sign === 1 ? [signedLo, signedHi] : [-signedHi, -signedLo];
    return Math.max(lo, term.domain[0]) === Math.min(hi, term.domain[1]);
  });
}

function rawCount(cell: Cell, field: SafeguardingCountField): number {
  const value = cell.safeguarding[field];
  if (typeof value !== 'number') throw new Error(`${cell.area.code} ${field} is already withheld`);
  return value;
}

/** The status of every cell's count of one field. */
function statusesFor(cells: readonly Cell[], field: SafeguardingCountField, decided: Decided): Status[] {
  const status: Status[] = cells.map((cell) => (isSmall(rawCount(cell, field)) ? 'small' : 'shown'));
  const value = (i: number) => rawCount(cells[i]!, field);
  const termsOf = (terms: readonly Term[]) => {
    const zerosWithheld = terms.some((t) => status[t.cell] === 'zero');
    return terms.map(({ cell, sign }) => ({
      sign,
      value: status[cell] === 'shown' ? value(cell) : null,
      domain: domainOf(cells, cell, field, status[cell]!, zerosWithheld, decided),
    }));
  };
  // A complement whose other counts pin it (care home concerns of 5 beside 5 concerns shown, or 0 beside 0) hides nothing.
  const canHide = (i: number, as: Status) => {
    const [lo, hi] = domainOf(cells, i, field, as, true, decided);
    return lo < hi;
  };

  const regions = cells.flatMap((cell, i) => (cell.area.level === 'region' ? [i] : []));
  for (const region of regions) {
    const councils = cells.flatMap((cell, i) => (cell.area.level === 'council' && cell.area.region === cells[region]!.area.code ? [i] : []));
    // Locations outside the 153 councils count only in the region: treat their part as known.
    const outside = value(region) - councils.reduce((sum, i) => sum + value(i), 0);
    const terms: Term[] = [{ cell: region, sign: 1 }, ...councils.map((cell): Term => ({ cell, sign: -1 }))];
    const byCode = (a: number, b: number) => cells[a]!.area.code.localeCompare(cells[b]!.area.code);
    while (pinsAValue(termsOf(terms), outside)) {
      const next = councils
        .filter((i) => status[i] === 'shown' && value(i) >= SMALL_NUMBER_LIMIT && canHide(i, 'withheld'))
        .sort((a, b) => value(a) - value(b) || byCode(a, b))[0];
      const zero = councils.filter((i) => status[i] === 'shown' && value(i) === 0 && canHide(i, 'zero')).sort(byCode)[0];
      if (next !== undefined) status[next] = 'withheld';
      else if (status[region] === 'shown') status[region] = 'withheld';
      // A small region whose every count is small (four councils of 1 in a region of 4): a zero blurs them.
      else if (zero !== undefined) status[zero] = 'zero';
      else break;
    }
  }
  const england = cells.findIndex((cell) => cell.area.level === 'england');
  if (england >= 0 && status[england] === 'shown' && regions.some((i) => status[i] !== 'shown')) status[england] = 'withheld';
  return status;
}

const withheld = (status: Status): SafeguardingCount => ({ suppressed: true, display: status === 'withheld' ? WITHHELD : FEWER_THAN_5 });

/**
 * The heat map as an aggregate audience may see it (the published heat map, another council's or a wider
 * role's view): withheld counts read "fewer than 5" or "withheld", and the rates and trend derived from them
 * are null and listed in `suppressed`. Expects the map as built, with every count a number.
 */
export function suppressSmallNumbers(heatMap: HeatMap): HeatMap {
  const statuses = new Map<SafeguardingCountField, Status[]>();
  for (const field of SAFEGUARDING_COUNTS) statuses.set(field, statusesFor(heatMap.cells, field, statuses));
  const cells = heatMap.cells.map((cell, i): Cell => {
    const safeguarding = { ...cell.safeguarding };
    const hidden = new Set<SafeguardingFigure>();
    for (const field of SAFEGUARDING_COUNTS) {
      const status = statuses.get(field)![i]!;
      if (status === 'shown') continue;
      safeguarding[field] = withheld(status);
      hidden.add(field);
      const { rates, trend } = DERIVED_FROM[field];
      for (const rate of rates) {
        safeguarding[rate] = null;
        hidden.add(rate);
      }
      if (trend) {
        safeguarding.trend = null;
        hidden.add('trend');
      }
    }
    safeguarding.suppressed = [...hidden].sort();
    return { ...cell, safeguarding };
  });
  return { ...heatMap, cells };
}
