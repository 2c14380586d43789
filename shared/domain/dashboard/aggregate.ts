// The map's figures as one viewer may see them. Safeguarding counts of 1 to 4 could point at a person in a
// small home, so they read "fewer than 5" (and what is derived from them is withheld) in every cell except
// the viewer's own council.
import { type Area, FEWER_THAN_5, type HeatMap, type HeatMapCell, type SafeguardingCount, type Share } from '../heatmap.js';
import { suppressSmallNumbers } from '../small-numbers.js';
import type { Viewer } from './access.js';

export const METRIC_IDS = ['red-locations', 'red-beds', 'poorly-rated', 'absorption', 'concerns', 'concerns-rate', 'stale'] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** One figure of one area: the number that colours the map, and how it reads. */
export interface Figure {
  /** Null: nothing to show (no data, or withheld). */
  value: number | null;
  text: string;
  suppressed: boolean;
}

export interface AggregateCell {
  area: Area;
  locations: number;
  beds: number;
  providers: number;
  locationsByBand: HeatMapCell['locationsByBand'];
  figures: Record<MetricId, Figure>;
}

export interface AggregateView {
  asOf: string;
  modelVersion: string;
  cells: AggregateCell[];
}

export { FEWER_THAN_5 };

/**
 * Exact safeguarding figures only in the viewer's own council cell (it made those returns); every other cell,
 * for every role, comes from the published suppression, so no total gives a small count away by subtraction.
 */
const seesExactSafeguarding = (viewer: Viewer, area: Area): boolean => viewer.kind === 'council' && area.level === 'council' && area.code === viewer.id;

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const none: Figure = { value: null, text: '–', suppressed: false };
const countFigure = (value: number): Figure => ({ value, text: integer.format(value), suppressed: false });
const shareFigure = (share: Share): Figure => (share.share === null ? none : { value: share.share, text: `${Math.round(share.share * 100)}%`, suppressed: false });

const safeguardingFigure = (count: SafeguardingCount): Figure => (typeof count === 'number' ? countFigure(count) : { value: null, text: count.display, suppressed: true });

function figuresOf(cell: HeatMapCell): Record<MetricId, Figure> {
  const { absorption, safeguarding } = cell;
  const rate = safeguarding.per100BedsLast12Months;
  const rateWithheld = safeguarding.suppressed.includes('per100BedsLast12Months');
  const ratio = absorption.ratio ?? (absorption.exceedsVacancies ? Infinity : null);
  return {
    'red-locations': countFigure(cell.locationsByBand.Red),
    'red-beds': shareFigure(cell.redBeds),
    'poorly-rated': shareFigure(cell.poorlyRatedBeds.overall),
    absorption: ratio === null ? none : { value: ratio, text: ratio === Infinity ? 'no vacancy' : twoDecimals.format(ratio), suppressed: false },
    concerns: safeguardingFigure(safeguarding.concernsLast12Months),
    'concerns-rate': rateWithheld ? { value: null, text: FEWER_THAN_5, suppressed: true } : rate === null ? none : { value: rate, text: oneDecimal.format(rate), suppressed: false },
    stale: shareFigure(cell.staleReturns),
  };
}

/** The one place the map's figures are made for a viewer: every response of the map goes through here. */
export function aggregateViewFor(viewer: Viewer, heatMap: HeatMap): AggregateView {
  const published = suppressSmallNumbers(heatMap);
  const cells = published.cells.map((publishedCell, i): AggregateCell => {
    const cell = seesExactSafeguarding(viewer, publishedCell.area) ? heatMap.cells[i]! : publishedCell;
    return {
      area: cell.area,
      locations: cell.locations,
      beds: cell.beds,
      providers: cell.providers,
      locationsByBand: cell.locationsByBand,
      figures: figuresOf(cell),
    };
  });
  return { asOf: heatMap.asOf, modelVersion: heatMap.modelVersion, cells };
}
