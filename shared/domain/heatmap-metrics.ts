// The figures a heat map page colours councils by, with their classes, words and numbers: one definition for the
// map, its legend, the hex labels and the tables.
import { type HeatMapCell, type SafeguardingCount, type Share } from './heatmap.js';

/**
 * Viridis, light to dark: sequential, distinguishable with every common colour-vision deficiency (deuteranopia,
 * protanopia, tritanopia) and in greyscale.
 */
export const PALETTE = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] as const;
/** Classes from which a hex's label is white rather than near-black, for contrast on the darker fills. */
export const LIGHT_TEXT_FROM = 3;

export interface MapMetric {
  id: string;
  /** The <select> option and table heading. */
  label: string;
  /** Null is no data (grey) or withheld; Infinity sorts into the top class. */
  value: (cell: HeatMapCell) => number | null;
  /** Lower bounds of the upper four classes; fixed so a colour means the same thing every month. */
  breaks: readonly [number, number, number, number];
  formatBreak: (bound: number) => string;
  /** The value in a few characters, for the hex label and the table: a withheld figure says so. */
  short: (cell: HeatMapCell) => string;
  /** The figures behind the value, in words, for tooltips, screen readers and the details panel. */
  describe: (cell: HeatMapCell) => string;
}

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
export const decimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const ratioFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (share: number): string => `${decimal.format(share * 100)}%`;
/** Round thresholds read better without trailing zeros: "5%" rather than "5.0%". */
export const boundPercent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
export const n = (count: number): string => integer.format(count);
const NONE = '–';

/** A safeguarding count as published: a number, or what a withheld count reads as ("fewer than 5", "withheld"). */
export const countText = (count: SafeguardingCount): string => (typeof count === 'number' ? n(count) : count.display);

const describeShare = (share: Share, of: string): string =>
  share.share === null ? `no ${of}` : `${percent(share.share)} (${n(share.numerator)} of ${n(share.denominator)} ${of})`;
const shortShare = (share: Share): string => (share.share === null ? NONE : `${integer.format(share.share * 100)}%`);

/** The concerns rate in a hex: withheld rates show what their count reads as, shortened to fit. */
function shortConcerns({ safeguarding: s }: HeatMapCell): string {
  if (s.per100BedsLast12Months !== null) return decimal.format(s.per100BedsLast12Months);
  const count = s.careHomeConcernsLast12Months;
  if (typeof count === 'number') return NONE;
  return count.display === 'fewer than 5' ? '<5' : 'w/h';
}

export const METRICS: readonly MapMetric[] = [
  {
    id: 'red-beds',
    label: 'Share of beds at Red locations',
    value: (cell) => cell.redBeds.share,
    breaks: [0.02, 0.05, 0.1, 0.2],
    formatBreak: (bound) => boundPercent.format(bound),
    short: (cell) => shortShare(cell.redBeds),
    describe: (cell) => describeShare(cell.redBeds, 'beds'),
  },
  {
    id: 'poorly-rated',
    label: 'Share of rated beds rated Requires improvement or Inadequate',
    value: (cell) => cell.poorlyRatedBeds.overall.share,
    breaks: [0.1, 0.2, 0.3, 0.4],
    formatBreak: (bound) => boundPercent.format(bound),
    short: (cell) => shortShare(cell.poorlyRatedBeds.overall),
    describe: (cell) => {
      const { overall, byKind, bySize } = cell.poorlyRatedBeds;
      if (overall.share === null) return describeShare(overall, 'rated beds');
      const part = (label: string, share: Share): string =>
        share.share === null ? '' : `, ${label} ${percent(share.share)} of ${n(share.denominator)}`;
      return (
        describeShare(overall, 'rated beds') +
        part('nursing', byKind['nursing-home']) +
        part('residential', byKind['residential-home']) +
        part('small', bySize.small) +
        part('medium', bySize.medium) +
        part('large', bySize.large)
      );
    },
  },
  {
    id: 'absorption',
    label: 'Beds at Red providers per admittable vacancy',
    // No vacancies at all to take in beds at Red providers is the worst case, not missing data.
    value: ({ absorption }) => absorption.ratio ?? (absorption.exceedsVacancies ? Infinity : null),
    breaks: [0.25, 0.5, 1, 2],
    formatBreak: (bound) => ratioFormat.format(bound),
    short: ({ absorption }) => (absorption.ratio !== null ? ratioFormat.format(absorption.ratio) : absorption.exceedsVacancies ? '∞' : NONE),
    describe: ({ absorption }) =>
      `${n(absorption.bedsAtRedProviders)} beds at Red providers, ` +
      `${n(absorption.admittableVacancies)} admittable vacancies` +
      (absorption.ratio === null ? '' : ` (${ratioFormat.format(absorption.ratio)} per vacancy)`) +
      (absorption.exceedsVacancies ? ': more than the vacancies' : ''),
  },
  {
    id: 'concerns',
    label: 'Safeguarding concerns per 100 care home beds (12 months)',
    value: (cell) => cell.safeguarding.per100BedsLast12Months,
    breaks: [2, 5, 10, 20],
    formatBreak: (bound) => integer.format(bound),
    short: shortConcerns,
    describe: ({ safeguarding: s }) => {
      const rate = (value: number | null, withheld: boolean) => (withheld ? 'withheld' : value === null ? 'no care home beds' : decimal.format(value));
      const last = rate(s.per100BedsLast12Months, s.suppressed.includes('per100BedsLast12Months'));
      const previous = rate(s.per100BedsPrevious12Months, s.suppressed.includes('per100BedsPrevious12Months'));
      return (
        `${last} per 100 care home beds (previous 12 months ${previous}); care homes ${countText(s.careHomeConcernsLast12Months)} concerns; ` +
        `all services ${countText(s.concernsLast12Months)} concerns, previous 12 months ${countText(s.concernsPrevious12Months)}, ` +
        `trend ${s.trend ?? 'withheld'}; ${countText(s.section42EnquiriesLast12Months)} section 42 enquiries`
      );
    },
  },
  {
    id: 'stale',
    label: 'Share of care homes with stale capacity returns',
    value: (cell) => cell.staleReturns.share,
    breaks: [0.05, 0.1, 0.2, 0.4],
    formatBreak: (bound) => boundPercent.format(bound),
    short: (cell) => shortShare(cell.staleReturns),
    describe: (cell) => describeShare(cell.staleReturns, 'care homes'),
  },
];

export function classOf(metric: MapMetric, cell: HeatMapCell | undefined): string {
  const value = cell ? metric.value(cell) : null;
  if (value === null) return 'none';
  return String(metric.breaks.filter((bound) => value >= bound).length);
}

export function legendLabels(metric: MapMetric): string[] {
  const bounds = metric.breaks.map(metric.formatBreak);
  return PALETTE.map((_, i) => {
    if (i === 0) return `under ${bounds[0]}`;
    if (i === bounds.length) return `${bounds[i - 1]} or more`;
    return `${bounds[i - 1]} to under ${bounds[i]}`;
  });
}
