// Since when and why a subject is in its band: pure derivations over stored assessments, for scores.csv and the
// dashboard's council and provider pages.
import { type Band, type IsoDate, type RiskAssessment } from './model.js';
import type { RiskModelConfig } from './risk-model.js';
import { bandOf } from './scoring.js';

export interface BandOn {
  asOf: IsoDate;
  band: Band;
}

export interface BandRun {
  /** The first date of the current unbroken run of this band. */
  bandSince: IsoDate;
  /** The band before that run; null when the subject has never been in another. */
  previousBand: Band | null;
}

/**
 * Walks the stored bands back from the current assessment: the run ends at the first earlier date in another
 * band. History after the current date is ignored, and the current assessment counts even if not yet stored.
 */
export function bandRun(history: readonly BandOn[], current: BandOn): BandRun {
  const earlier = history.filter((h) => h.asOf < current.asOf).sort((a, b) => (a.asOf < b.asOf ? 1 : -1));
  let bandSince = current.asOf;
  for (const entry of earlier) {
    if (entry.band !== current.band) return { bandSince, previousBand: entry.band };
    bandSince = entry.asOf;
  }
  return { bandSince, previousBand: null };
}

export const LIKELIHOOD_REASON = 'likelihood';

/**
 * What set the band: a hard trigger (named; it pins Red whatever the likelihood), High impact raising the
 * likelihood's band, or the likelihood alone.
 */
export function bandReason(assessment: Pick<RiskAssessment, 'band' | 'likelihood' | 'hardTriggers'>, model: RiskModelConfig): string {
  if (assessment.hardTriggers.length > 0) return `Red by hard trigger: ${assessment.hardTriggers.join('; ')}`;
  const unraised = bandOf(assessment.likelihood, 'Low', false, model);
  if (unraised !== assessment.band) return `Band raised from ${unraised} to ${assessment.band} by High impact`;
  return LIKELIHOOD_REASON;
}
