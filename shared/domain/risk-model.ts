// The risk model's weights and thresholds: versioned configuration, validated on load. A model version
// names one configuration; any past assessment can be reproduced from the signals and that version.
import * as z from 'zod/mini';
import modelV1 from '../config/risk-model-v1.json' with { type: 'json' };
import modelV2 from '../config/risk-model-v2.json' with { type: 'json' };
import modelV3 from '../config/risk-model-v3.json' with { type: 'json' };
import calibrationV3 from '../config/risk-model-v3-calibration.json' with { type: 'json' };
import { Calibration } from './calibration.js';
import { FAMILIES } from './model.js';

const points = z.number().check(z.gte(0), z.lte(100));
const pct = z.number().check(z.gte(0), z.lte(100));

export const RiskModelConfig = z.object({
  version: z.string().check(z.minLength(1)),
  description: z.string(),
  weights: z.record(z.enum(FAMILIES), z.number().check(z.gt(0))),
  /**
   * How family scores make a likelihood: their weighted mean over the families with data, or a noisy-OR
   * (1 - the product of 1 - strength x score / 100), in which each family independently raises the chance.
   */
  combination: z.discriminatedUnion('method', [
    z.object({ method: z.literal('weighted-mean') }),
    z.object({ method: z.literal('noisy-or'), strength: z.record(z.enum(FAMILIES), z.number().check(z.gt(0), z.lte(1))) }),
  ]),
  bands: z.object({ amberFrom: points, redFrom: points }),
  quality: z.object({
    overallPoints: z.object({
      Outstanding: points,
      Good: points,
      'Requires improvement': points,
      Inadequate: points,
    }),
    downgradePoints: points,
    inadequateSafeOrWellLedPoints: points,
    staleRatingMonths: z.int().check(z.positive()),
    staleRatingWhileRequiresImprovementPoints: points,
  }),
  safeguarding: z.object({
    windowMonths: z.int().check(z.positive()),
    ratioBands: z.array(z.object({ aboveRegionalMedianTimes: z.number().check(z.gte(0)), points })),
    minimumConcerns: z.int().check(z.nonnegative()),
    risingTrendPoints: points,
    ewma: z.object({ lambda: z.number().check(z.gt(0), z.lte(1)), L: z.number().check(z.gt(0)) }),
    /**
     * Concerns and s.42 enquiries each judged by a one-sided Poisson test against the count expected of the
     * service's exposure (its beds, or one community service) at its region's rate for its kind: the smaller
     * p-value earns the points of the lowest `pValuePoints` bound it falls below. Without `evidence` (enough
     * s.42 enquiries, or a cluster of concerns) the points stop at `unconfirmedMaxPoints`, and the EWMA trend
     * counts only with it. Absent before version 3, whose versions score the ratio bands above.
     */
    exposure: z.optional(
      z.object({
        pValuePoints: z.array(z.object({ below: z.number().check(z.gt(0), z.lt(1)), points })).check(z.minLength(1)),
        evidence: z.object({ section42Enquiries: z.int().check(z.positive()), clusterConcerns: z.int().check(z.gte(2)), clusterDays: z.int().check(z.positive()) }),
        unconfirmedMaxPoints: points,
      }),
    ),
  }),
  financial: z.object({
    insolvencyStatusPoints: points,
    accountsOverdueDays: z.int().check(z.nonnegative()),
    accountsOverduePoints: points,
    confirmationStatementOverduePoints: points,
    newChargePoints: points,
    creditWarningAtOrBelow: points,
    creditWarningPoints: points,
  }),
  occupancy: z.object({
    bands: z.array(z.object({ atLeastPct: pct, points })),
    belowLowestPoints: points,
    fallingTrendPoints: points,
    cusum: z.object({ k: z.number().check(z.gte(0)), h: z.number().check(z.gt(0)) }),
    cusumBaselineMonths: z.int().check(z.positive()),
    cusumSigmaFloorPct: z.number().check(z.gt(0)),
    notAcceptingAdmissionsPoints: points,
  }),
  workforce: z.object({
    managerAbsentMonths: z.array(z.object({ moreThan: z.int().check(z.nonnegative()), points })),
    highAgencyHoursPct: pct,
    highAgencyPoints: points,
    /**
     * The Capacity Tracker gives agency hours but no total, so a rise is judged against the home's own past:
     * the latest return at least `times` the median of up to `baselineReturns` earlier ones. Absent in versions
     * before it existed, which then score agency use by share of hours alone.
     */
    agencyRise: z.optional(z.object({ times: z.number().check(z.gt(1)), baselineReturns: z.int().check(z.gte(3)), minHours: z.number().check(z.gte(0)) })),
    highAbsencePct: pct,
    highAbsencePoints: points,
  }),
  staleness: z.object({
    capacityReturnStaleMonths: z.int().check(z.positive()),
    capacityReturnVeryStaleMonths: z.int().check(z.positive()),
    staleFamilyConfidence: z.number().check(z.gte(0), z.lte(1)),
    veryStaleFamilyConfidence: z.number().check(z.gte(0), z.lte(1)),
  }),
  impact: z.object({
    highCouncilBedShare: z.number().check(z.gt(0), z.lte(1)),
    mediumCouncilBedShare: z.number().check(z.gt(0), z.lte(1)),
    mediumBeds: z.int().check(z.positive()),
    scarceSpecialisms: z.array(z.string()),
    /**
     * Whose beds a home's share is of: all the council's care home beds (the default, before version 3) or
     * those of its own kind, nursing or residential, since one kind's residents cannot move to the other's beds.
     */
    bedShareOf: z.optional(z.enum(['care-homes', 'same-kind'])),
    /**
     * Residents against the council's admittable vacancies only where its homes with a Capacity Tracker return
     * hold at least this share of its care home beds (before version 3, everywhere): unreported vacancies are
     * unknown, not absent.
     */
    vacanciesNeedReportingBedShare: z.optional(z.number().check(z.gt(0), z.lte(1))),
    /**
     * The lowest band High impact raises by one (before version 3, Green), so that impact sharpens a concern
     * the likelihood already holds instead of making one. Versions that set it flag each band it raised.
     */
    liftFrom: z.optional(z.enum(['Green', 'Amber'])),
  }),
  commissioner: z.object({ placementEmbargoPoints: points, cqcEnforcementPoints: points }),
  rollUp: z.object({ hardTriggerBedShare: z.number().check(z.gt(0), z.lte(1)) }),
  /**
   * A fitted model (risk-model-3 on): the likelihood becomes 100 x a calibrated probability of failure
   * within 12 months (shared/domain/calibration.ts), fitted by `npm run fit` and kept in its own file.
   */
  calibration: z.optional(Calibration),
});
export type RiskModelConfig = z.infer<typeof RiskModelConfig>;

/**
 * A calibrated model's likelihood is 100 x its fitted probability, so its bands must be the calibration's
 * cut-offs in those units: checked on load, so a re-fit cannot leave stale bands behind.
 */
function calibrated(model: RiskModelConfig, calibration: Calibration): RiskModelConfig {
  const expected = { amberFrom: Math.round(1000 * calibration.bands.amberFrom) / 10, redFrom: Math.round(1000 * calibration.bands.redFrom) / 10 };
  if (calibration.version !== model.version) throw new Error(`calibration for ${calibration.version} given to ${model.version}`);
  if (model.bands.amberFrom !== expected.amberFrom || model.bands.redFrom !== expected.redFrom) {
    throw new Error(`${model.version}'s bands ${JSON.stringify(model.bands)} are not its calibration's cut-offs ${JSON.stringify(expected)}`);
  }
  return { ...model, calibration };
}

const MODELS: ReadonlyMap<string, RiskModelConfig> = new Map(
  [RiskModelConfig.parse(modelV1), RiskModelConfig.parse(modelV2), calibrated(RiskModelConfig.parse(modelV3), Calibration.parse(calibrationV3))].map((model) => [model.version, model]),
);

export const CURRENT_MODEL_VERSION = 'risk-model-3';

export function riskModel(version: string = CURRENT_MODEL_VERSION): RiskModelConfig {
  const model = MODELS.get(version);
  if (!model) throw new Error(`unknown risk model version "${version}"; known: ${[...MODELS.keys()].join(', ')}`);
  return model;
}
