// The market baseline every assessment is compared with: regional safeguarding rates, each council's care
// home beds (in all and by kind), admittable vacancies, how much of it reports them, and specialist homes. Recomputed on a schedule; each assessment records
// the baseline version it used, so a replay uses the same one.
import * as z from 'zod/mini';
import { addMonths } from './dates.js';
import {
  ADASS_REGIONS,
  AdassRegion,
  isCareHome,
  type IsoDate,
  IsoDate as IsoDateSchema,
  type Location,
  SERVICE_KINDS,
  ServiceKind,
  type Signal,
} from './model.js';
import { knownAt } from './known-at.js';

export const MarketBaseline = z.object({
  version: z.string(),
  asOf: IsoDateSchema,
  /**
   * Concerns plus s.42 enquiries a year, pooled over the region: per 10 care home beds, and per community
   * service. Pooled rates rather than medians, since most services have no concern in a year and the
   * median of such sparse counts is 0.
   */
  safeguardingRates: z.record(AdassRegion, z.object({ per10Beds: z.number(), perCommunityService: z.number() })),
  councilBeds: z.record(z.string(), z.number()),
  councilAdmittableVacancies: z.record(z.string(), z.number()),
  /** Care homes per `${gss}#${specialism}` for the model's scarce specialisms. */
  specialistHomes: z.record(z.string(), z.number()),
  // The fields below are absent from baselines made before them; only risk-model-3 on reads them.
  /** Care home beds per `${gss}#${serviceKind}`, nursing or residential. */
  councilBedsByKind: z.optional(z.record(z.string(), z.number())),
  /** Care home beds per council at homes with a Capacity Tracker return on record: how much of its vacancies is known. */
  councilReportingBeds: z.optional(z.record(z.string(), z.number())),
  /**
   * Concerns and, apart, s.42 enquiries a year by region and service kind: per 10 beds for a care home, per
   * service otherwise. Each region's is pooled over its services of the kind and shrunk toward the kind's
   * national rate by `RATE_PRIOR_UNITS` of exposure, so a region with few services of a kind gets no extreme rate.
   */
  safeguardingRatesByKind: z.optional(z.record(AdassRegion, z.record(ServiceKind, z.object({ concerns: z.number(), enquiries: z.number() })))),
});
export type MarketBaseline = z.infer<typeof MarketBaseline>;

export interface BaselineInput {
  asOf: IsoDate;
  locations: readonly Location[];
  signalsByLocation: ReadonlyMap<string, readonly Signal[]>;
  scarceSpecialisms: readonly string[];
}

/**
 * Exposure (10-bed units or services) at the national rate that each region's rate by kind is pooled with:
 * 1,000 beds or 100 services, a few per cent of a region's in England, most of one in a small sample.
 */
export const RATE_PRIOR_UNITS = 100;

const add = (record: Record<string, number>, key: string, n: number) => (record[key] = (record[key] ?? 0) + n);

interface Tally {
  concerns: number;
  enquiries: number;
  /** Exposure: 10-bed units for care homes, services otherwise. */
  units: number;
}

function count(tally: Tally, concerns: number, enquiries: number, units: number): void {
  tally.concerns += concerns;
  tally.enquiries += enquiries;
  tally.units += units;
}

/**
 * What the baseline needs of one location's signals as known at the date: its concerns and s.42 enquiries in
 * the last 12 months, and its latest capacity return. Small, so a full scoring can keep every location's
 * while dropping the signals.
 */
export interface BaselineContribution {
  concerns: number;
  enquiries: number;
  lastReturn: { declaredVacancies: number; acceptingAdmissions: boolean | null } | undefined;
}

export function baselineContribution(locationSignals: readonly Signal[], asOf: IsoDate): BaselineContribution {
  const windowStart = addMonths(asOf, -12);
  const signals = knownAt(locationSignals, asOf);
  const recent = signals.flatMap((s) => (s.facts.kind === 'safeguarding-concern' && s.describedOn > windowStart ? [s.facts] : []));
  const lastReturn = signals.filter((s) => s.facts.kind === 'capacity-return').sort((a, b) => a.describedOn.localeCompare(b.describedOn)).at(-1);
  return {
    concerns: recent.length,
    enquiries: recent.filter((c) => c.section42Enquiry).length,
    lastReturn: lastReturn?.facts.kind === 'capacity-return' ? { declaredVacancies: lastReturn.facts.declaredVacancies, acceptingAdmissions: lastReturn.facts.acceptingAdmissions } : undefined,
  };
}

export function computeBaseline(input: BaselineInput): MarketBaseline {
  const contributions = new Map(input.locations.map((l) => [l.locationId, baselineContribution(input.signalsByLocation.get(l.locationId) ?? [], input.asOf)]));
  return combineBaseline({ asOf: input.asOf, locations: input.locations, contributions, scarceSpecialisms: input.scarceSpecialisms });
}

/** The baseline from each location's contribution, summed in the order of `locations`. */
export function combineBaseline(input: Omit<BaselineInput, 'signalsByLocation'> & { contributions: ReadonlyMap<string, BaselineContribution> }): MarketBaseline {
  const totals = new Map(ADASS_REGIONS.map((r) => [r, { concernsInHomes: 0, beds: 0, concernsInCommunity: 0, services: 0 }]));
  const byKind = new Map(ADASS_REGIONS.map((r) => [r, new Map(SERVICE_KINDS.map((k) => [k, { concerns: 0, enquiries: 0, units: 0 }]))]));
  const councilBeds: Record<string, number> = {};
  const councilBedsByKind: Record<string, number> = {};
  const councilReportingBeds: Record<string, number> = {};
  const councilAdmittableVacancies: Record<string, number> = {};
  const specialistHomes: Record<string, number> = {};
  for (const location of input.locations) {
    const { concerns, enquiries, lastReturn } = input.contributions.get(location.locationId)!;
    // The pooled rates count an enquiry as a second concern; the rates by kind count each apart.
    const weighted = concerns + enquiries;
    const regional = totals.get(location.region)!;
    const ofKind = byKind.get(location.region)!.get(location.serviceKind)!;
    if (isCareHome(location) && location.beds > 0) {
      regional.concernsInHomes += weighted;
      regional.beds += location.beds;
      count(ofKind, concerns, enquiries, location.beds / 10);
      add(councilBeds, location.councilGss, location.beds);
      add(councilBedsByKind, `${location.councilGss}#${location.serviceKind}`, location.beds);
      if (lastReturn) add(councilReportingBeds, location.councilGss, location.beds);
      if (lastReturn?.acceptingAdmissions) add(councilAdmittableVacancies, location.councilGss, lastReturn.declaredVacancies);
      for (const scarce of input.scarceSpecialisms) {
        if (location.specialisms.some((s) => s.toLowerCase().includes(scarce.toLowerCase()))) {
          const key = `${location.councilGss}#${scarce}`;
          specialistHomes[key] = (specialistHomes[key] ?? 0) + 1;
        }
      }
    } else {
      regional.concernsInCommunity += weighted;
      regional.services += 1;
      // A care home without beds has no exposure to rate by its kind.
      if (!isCareHome(location)) count(ofKind, concerns, enquiries, 1);
    }
  }
  const safeguardingRates = Object.fromEntries(
    [...totals].map(([region, t]) => [
      region,
      {
        per10Beds: t.beds > 0 ? (10 * t.concernsInHomes) / t.beds : 0,
        perCommunityService: t.services > 0 ? t.concernsInCommunity / t.services : 0,
      },
    ]),
  ) as MarketBaseline['safeguardingRates'];
  return MarketBaseline.parse({
    version: `baseline-${input.asOf}`,
    asOf: input.asOf,
    safeguardingRates,
    councilBeds,
    councilAdmittableVacancies,
    specialistHomes,
    councilBedsByKind,
    councilReportingBeds,
    safeguardingRatesByKind: shrunkRates(byKind),
  });
}

function shrunkRates(byKind: ReadonlyMap<AdassRegion, ReadonlyMap<ServiceKind, Tally>>): NonNullable<MarketBaseline['safeguardingRatesByKind']> {
  const national = new Map(SERVICE_KINDS.map((kind) => [kind, { concerns: 0, enquiries: 0, units: 0 }]));
  for (const kinds of byKind.values()) for (const [kind, t] of kinds) count(national.get(kind)!, t.concerns, t.enquiries, t.units);
  const rate = (events: number, units: number, nationalEvents: number, nationalUnits: number) =>
    nationalUnits > 0 ? (events + (RATE_PRIOR_UNITS * nationalEvents) / nationalUnits) / (units + RATE_PRIOR_UNITS) : 0;
  return Object.fromEntries(
    [...byKind].map(([region, kinds]) => [
      region,
      Object.fromEntries(
        [...kinds].map(([kind, t]) => {
          const n = national.get(kind)!;
          return [kind, { concerns: rate(t.concerns, t.units, n.concerns, n.units), enquiries: rate(t.enquiries, t.units, n.enquiries, n.units) }];
        }),
      ),
    ]),
  ) as NonNullable<MarketBaseline['safeguardingRatesByKind']>;
}
