// The family part's data: location-months of the generated history, scored as the backtest scores them (the
// deployed model's family scoring via scoreMarket, signals known by their receipt, each outcome's own signals
// withheld), with each one's rating history and whether a failure followed within 12 months.
import { warns } from '../../shared/domain/backtest-metrics.js';
import { familyFeatures, type FamilyFeatures, ratingFeatures, type RatingFeatures, ratingHistory, trendDate } from '../../shared/domain/calibration.js';
import type { IsoDate, RiskAssessment, ServiceKind } from '../../shared/domain/model.js';
import type { RiskModelConfig } from '../../shared/domain/risk-model.js';
import { successionAt, successionInput } from '../../shared/domain/succession.js';
import { evaluationWindows, HORIZON_MONTHS, scoringDates } from '../backtest/backtest.js';
import type { MarketHistory } from '../backtest/history.js';
import { HistoryScorer } from '../backtest/history-scorer.js';

/** The dates the family part is fitted on; 2023-24 are left for reporting. */
export const FIT_PERIOD = { from: '2021-01-01', to: '2022-12-01' } as const;

export interface FamilyRow {
  /** The service (its last registration's id), as the backtest tracks it across a change of owner. */
  serviceId: string;
  asOf: IsoDate;
  serviceKind: ServiceKind;
  rating: RatingFeatures | null;
  family: FamilyFeatures;
  /** The scored model's own likelihood, to compare the calibrated probability with. */
  likelihood: number;
  positive: boolean;
}

/**
 * The fit dates: the 1st of each month of the fit period, from the end of the backtest's warm-up year on, since
 * before it the 12- and 24-month windows of the family scoring are not yet full of history.
 */
export function fitDates(history: Pick<MarketHistory, 'from' | 'to'>): IsoDate[] {
  const from = evaluationWindows(history).alarmsFrom;
  return scoringDates(history).filter((on) => on >= FIT_PERIOD.from && on >= from && on <= FIT_PERIOD.to);
}

type Scored = Pick<RiskAssessment, 'families' | 'factors'>;

/**
 * Scores the market on each fit date and `TREND_MONTHS` before it (for the trends), and returns one row per
 * location scored on a fit date.
 */
export function familyRows(history: MarketHistory, model: RiskModelConfig, progress: (line: string) => void = () => {}): FamilyRow[] {
  const scorer = new HistoryScorer(history, model);
  const { links, serviceOf, eventOf } = scorer;
  const fitOn = fitDates(history);
  const dates = [...new Set([...fitOn.map(trendDate), ...fitOn])].sort();
  const earlier = new Map<IsoDate, Map<string, Scored>>();
  const rows: FamilyRow[] = [];
  for (const asOf of dates) {
    const { population, signalsByLocation, assessments } = scorer.scoreAt(asOf);
    const byService = new Map(assessments.map((a) => [serviceOf.get(a.subject.id)!, a]));
    earlier.set(asOf, byService);
    if (fitOn.includes(asOf)) {
      const before = earlier.get(trendDate(asOf));
      const succession = successionAt(links, asOf);
      const signalsOf = (id: string) => signalsByLocation.get(id) ?? [];
      for (const location of population) {
        const serviceId = serviceOf.get(location.locationId)!;
        const assessment = byService.get(serviceId)!;
        const event = eventOf.get(serviceId);
        const ratings = ratingHistory(successionInput(location.locationId, succession, signalsOf).signals, asOf);
        rows.push({
          serviceId,
          asOf,
          serviceKind: location.serviceKind,
          rating: ratingFeatures({ ratings, registeredOn: location.registeredOn, asOf }),
          family: familyFeatures(assessment, before?.get(serviceId)),
          likelihood: assessment.likelihood,
          positive: event !== undefined && warns(asOf, event.on, HORIZON_MONTHS),
        });
      }
    }
    // Kept only while a later fit date still compares against it.
    for (const on of earlier.keys()) if (!fitOn.some((d) => d > asOf && trendDate(d) === on)) earlier.delete(on);
    progress(`  scored ${asOf}: ${population.length} locations${fitOn.includes(asOf) ? ' (fit date)' : ' (for trends)'}`);
  }
  return rows;
}
