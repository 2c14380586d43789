// Impact: how much a location's failure would matter to its council's market, High, Medium or Low, with the
// reasons for High; and what the flags say of it.
import { type Band, type ImpactTier, isCareHome, type Location, type Signal } from '../model.js';
import type { RiskModelConfig } from '../risk-model.js';
import { type Context, latest, ofKind } from './common.js';

export interface Impact {
  tier: ImpactTier;
  reasons: string[];
}

const KIND_WORDS: Partial<Record<Location['serviceKind'], string>> = { 'nursing-home': 'nursing home', 'residential-home': 'residential home' };

export function locationImpact(location: Location, signals: Signal[], ctx: Context): Impact {
  const { impact } = ctx.model;
  const { baseline } = ctx;
  const gss = location.councilGss;
  const reasons: string[] = [];
  // A baseline made before the totals by kind judges as versions before 3 did.
  const byKind = impact.bedShareOf === 'same-kind' && isCareHome(location) && baseline.councilBedsByKind !== undefined;
  const councilBeds = (byKind ? baseline.councilBedsByKind![`${gss}#${location.serviceKind}`] : baseline.councilBeds[gss]) ?? 0;
  const share = councilBeds > 0 ? location.beds / councilBeds : 0;
  if (share >= impact.highCouncilBedShare) reasons.push(`${(100 * share).toFixed(0)}% of the council's ${byKind ? KIND_WORDS[location.serviceKind] : 'care home'} beds`);
  const residents = latest(ofKind(signals, 'capacity-return'))?.facts.usedBeds ?? location.beds;
  const vacancies = baseline.councilAdmittableVacancies[gss] ?? 0;
  if (isCareHome(location) && residents > 0 && residents > vacancies && vacanciesKnown(gss, ctx)) {
    reasons.push(`${residents} residents against ${vacancies} admittable vacancies in the council`);
  }
  for (const specialism of location.specialisms) {
    const scarce = impact.scarceSpecialisms.find((s) => specialism.toLowerCase().includes(s.toLowerCase()));
    if (scarce && isCareHome(location) && (baseline.specialistHomes[`${gss}#${scarce}`] ?? 0) <= 2) {
      reasons.push(`one of at most two care homes for ${scarce} in the council`);
    }
  }
  if (reasons.length > 0) return { tier: 'High', reasons };
  if (share >= impact.mediumCouncilBedShare || location.beds >= impact.mediumBeds) return { tier: 'Medium', reasons };
  return { tier: 'Low', reasons };
}

/** Whether enough of the council reports to Capacity Tracker for its sum of vacancies to mean what it says. */
function vacanciesKnown(gss: string, { model, baseline }: Context): boolean {
  const needed = model.impact.vacanciesNeedReportingBedShare;
  if (needed === undefined || baseline.councilReportingBeds === undefined) return true;
  const beds = baseline.councilBeds[gss] ?? 0;
  return beds > 0 && (baseline.councilReportingBeds[gss] ?? 0) >= needed * beds;
}

/**
 * The flags that explain a High impact: its reasons, or, where the model flags the bands impact raises and
 * this one was, the band it raised from and why.
 */
export function impactFlags(impact: Impact, band: Band, unraised: Band, model: RiskModelConfig): string[] {
  if (model.impact.liftFrom !== undefined && band !== unraised) return [`Band raised from ${unraised} to ${band} by High impact: ${impact.reasons.join('; ')}`];
  return impact.reasons.map((r) => `High impact: ${r}`);
}
