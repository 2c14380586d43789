// The rating part's data: location-quarters of the real CQC rating history of community services
// (../shared/data/cqc-history/), read and sampled exactly as the real-history backtest reads them (the data
// README's naive-baseline population), each with its rating features as known on the day and whether the
// location was rated Inadequate within the next 12 months.
import { ratingFeatures, type RatingFeatures } from '../../shared/domain/calibration.js';
import type { IsoDate } from '../../shared/domain/model.js';
import { BASELINE_RANK, type LocationHistory, type LocationQuarter as SampledQuarter, sampleLocationQuarters } from '../backtest/real-history.js';
import { inTrainingHalf } from './split.js';

export interface LocationQuarter {
  locationId: string;
  asOf: IsoDate;
  features: RatingFeatures;
  current: SampledQuarter['current'];
  /** An Inadequate rating published in the 12 months after `asOf`. */
  positive: boolean;
}

export const HALVES = ['training', 'held-out'] as const;
export type Half = (typeof HALVES)[number];

/** The location-quarters of one half of the locations, by the stable split of their ids. */
export function locationQuarters(locations: readonly LocationHistory[], half: Half): LocationQuarter[] {
  const mine = locations.filter((l) => inTrainingHalf(l.locationId) === (half === 'training'));
  return sampleLocationQuarters(mine).flatMap((q) => {
    const features = ratingFeatures({ ratings: q.known, registeredOn: q.registeredOn, asOf: q.on });
    return features ? [{ locationId: q.locationId, asOf: q.on, features, current: q.current, positive: q.inadequateWithin }] : [];
  });
}

/** The naive baseline's score: the current overall rating alone, worse scoring higher. */
export const naiveScore = (row: Pick<LocationQuarter, 'current'>): number => BASELINE_RANK[row.current];
