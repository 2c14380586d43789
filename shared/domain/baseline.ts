// The market baseline every assessment is compared with: regional safeguarding rates, each council's care
// home beds, admittable vacancies and specialist homes. Recomputed on a schedule; each assessment records
// the baseline version it used, so a replay uses the same one.
import * as z from 'zod/mini';
import { addMonths } from './dates.js';
import { ADASS_REGIONS, AdassRegion, isCareHome, type IsoDate, IsoDate as IsoDateSchema, type Location, type Signal } from './model.js';
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
});
export type MarketBaseline = z.infer<typeof MarketBaseline>;

export interface BaselineInput {
  asOf: IsoDate;
  locations: readonly Location[];
  signalsByLocation: ReadonlyMap<string, readonly Signal[]>;
  scarceSpecialisms: readonly string[];
}


export function computeBaseline(input: BaselineInput): MarketBaseline {
  const windowStart = addMonths(input.asOf, -12);
  const totals = new Map(ADASS_REGIONS.map((r) => [r, { concernsInHomes: 0, beds: 0, concernsInCommunity: 0, services: 0 }]));
  const councilBeds: Record<string, number> = {};
  const councilAdmittableVacancies: Record<string, number> = {};
  const specialistHomes: Record<string, number> = {};
  for (const location of input.locations) {
    const signals = knownAt(input.signalsByLocation.get(location.locationId) ?? [], input.asOf);
    const concerns = signals.reduce(
      (sum, s) => (s.facts.kind === 'safeguarding-concern' && s.describedOn > windowStart ? sum + 1 + (s.facts.section42Enquiry ? 1 : 0) : sum),
      0,
    );
    const regional = totals.get(location.region)!;
    if (isCareHome(location) && location.beds > 0) {
      regional.concernsInHomes += concerns;
      regional.beds += location.beds;
      councilBeds[location.councilGss] = (councilBeds[location.councilGss] ?? 0) + location.beds;
      const lastReturn = signals.filter((s) => s.facts.kind === 'capacity-return').sort((a, b) => a.describedOn.localeCompare(b.describedOn)).at(-1);
      if (lastReturn?.facts.kind === 'capacity-return' && lastReturn.facts.acceptingAdmissions) {
        councilAdmittableVacancies[location.councilGss] = (councilAdmittableVacancies[location.councilGss] ?? 0) + lastReturn.facts.declaredVacancies;
      }
      for (const scarce of input.scarceSpecialisms) {
        if (location.specialisms.some((s) => s.toLowerCase().includes(scarce.toLowerCase()))) {
          const key = `${location.councilGss}#${scarce}`;
          specialistHomes[key] = (specialistHomes[key] ?? 0) + 1;
        }
      }
    } else {
      regional.concernsInCommunity += concerns;
      regional.services += 1;
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
  });
}
