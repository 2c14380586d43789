// The map's figures as one viewer may see them. Safeguarding counts of 1 to 4 could point at a person in a
// small home, so they read "fewer than 5" (and what is derived from them is withheld) in every cell except
// the viewer's own council, or one within its wider role (its region's network, national oversight).
import type { Area, HeatMap, HeatMapCell, Share } from '../heatmap.js';
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

export const FEWER_THAN_5 = 'fewer than 5';

/** Safeguarding figures after small-number suppression: null counts and rates are withheld. */
export interface SafeguardingView {
  concernsLast12Months: number | null;
  section42EnquiriesLast12Months: number | null;
  per100BedsLast12Months: number | null;
  suppressed: boolean;
}

const isSmall = (count: number) => count >= 1 && count <= 4;

/**
 * Placeholder for the shared suppression rule (the lead points this at shared/domain's own at merge): any
 * count of 1 to 4 is withheld, and with it every rate and count that would let it be worked back.
 */
export function suppressSafeguarding(cell: HeatMapCell): SafeguardingView {
  const s = cell.safeguarding;
  const suppressed = [s.concernsLast12Months, s.section42EnquiriesLast12Months, s.careHomeConcernsLast12Months].some(isSmall);
  if (!suppressed) return { concernsLast12Months: s.concernsLast12Months, section42EnquiriesLast12Months: s.section42EnquiriesLast12Months, per100BedsLast12Months: s.per100BedsLast12Months, suppressed };
  return { concernsLast12Months: null, section42EnquiriesLast12Months: null, per100BedsLast12Months: null, suppressed };
}

/** Exact safeguarding figures go to the area's own council and to roles whose remit covers the area. */
export function seesExactSafeguarding(viewer: Viewer, area: Area): boolean {
  if (viewer.kind === 'national') return true;
  if (viewer.kind === 'council') return area.level === 'council' && area.code === viewer.id;
  if (viewer.kind === 'adass-network') return area.level !== 'england' && area.region === viewer.region;
  return false;
}

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const none: Figure = { value: null, text: '–', suppressed: false };
const withheld: Figure = { value: null, text: FEWER_THAN_5, suppressed: true };
const countFigure = (value: number): Figure => ({ value, text: integer.format(value), suppressed: false });
const shareFigure = (share: Share): Figure => (share.share === null ? none : { value: share.share, text: `${Math.round(share.share * 100)}%`, suppressed: false });

function figuresOf(cell: HeatMapCell, safeguarding: SafeguardingView): Record<MetricId, Figure> {
  const { absorption } = cell;
  const ratio = absorption.ratio ?? (absorption.exceedsVacancies ? Infinity : null);
  return {
    'red-locations': countFigure(cell.locationsByBand.Red),
    'red-beds': shareFigure(cell.redBeds),
    'poorly-rated': shareFigure(cell.poorlyRatedBeds.overall),
    absorption: ratio === null ? none : { value: ratio, text: ratio === Infinity ? 'no vacancy' : twoDecimals.format(ratio), suppressed: false },
    concerns: safeguarding.concernsLast12Months === null ? withheld : countFigure(safeguarding.concernsLast12Months),
    'concerns-rate':
      safeguarding.suppressed ? withheld : safeguarding.per100BedsLast12Months === null ? none : { value: safeguarding.per100BedsLast12Months, text: oneDecimal.format(safeguarding.per100BedsLast12Months), suppressed: false },
    stale: shareFigure(cell.staleReturns),
  };
}

/** The one place the map's figures are made for a viewer: every response of the map goes through here. */
export function aggregateViewFor(viewer: Viewer, heatMap: HeatMap): AggregateView {
  const cells = heatMap.cells.map((cell): AggregateCell => {
    const exact = seesExactSafeguarding(viewer, cell.area);
    const s = cell.safeguarding;
    const safeguarding = exact
      ? { concernsLast12Months: s.concernsLast12Months, section42EnquiriesLast12Months: s.section42EnquiriesLast12Months, per100BedsLast12Months: s.per100BedsLast12Months, suppressed: false }
      : suppressSafeguarding(cell);
    return {
      area: cell.area,
      locations: cell.locations,
      beds: cell.beds,
      providers: cell.providers,
      locationsByBand: cell.locationsByBand,
      figures: figuresOf(cell, safeguarding),
    };
  });
  return { asOf: heatMap.asOf, modelVersion: heatMap.modelVersion, cells };
}
