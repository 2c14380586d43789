// What an escalation says about the concern itself: its categories, and the actions councils have already
// taken, both read from an assessment's factors and hard triggers.
import * as z from 'zod/mini';
import { type Family, IsoDate as IsoDateSchema, type RiskAssessment } from './model.js';
import { HARD_TRIGGERS } from './scoring.js';

export const CONCERN_CATEGORIES = ['quality', 'safeguarding', 'financial', 'commissioner concern', 'regulator action'] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];

export const CouncilAction = z.strictObject({
  action: z.enum(['placement embargo', 'contract suspension']),
  /** The council that took it, where the evidence names one. */
  council: z.nullable(z.string()),
  /** The date of its evidence; a hard trigger carries none. */
  since: z.nullable(IsoDateSchema),
});
export type CouncilAction = z.infer<typeof CouncilAction>;

const CATEGORY_OF_FAMILY: Record<Family, ConcernCategory> = {
  quality: 'quality',
  safeguarding: 'safeguarding',
  financial: 'financial',
  occupancy: 'financial',
  workforce: 'quality',
};

type HardTrigger = (typeof HARD_TRIGGERS)[keyof typeof HARD_TRIGGERS];
const CATEGORIES_OF_TRIGGER: Record<HardTrigger, ConcernCategory[]> = {
  [HARD_TRIGGERS.inadequateOverall]: ['quality', 'regulator action'],
  [HARD_TRIGGERS.inadequateSafe]: ['quality', 'regulator action'],
  [HARD_TRIGGERS.inadequateWellLed]: ['quality', 'regulator action'],
  [HARD_TRIGGERS.deregistered]: ['regulator action'],
  [HARD_TRIGGERS.insolvency]: ['financial'],
  // CQC's notice to councils under the market oversight scheme that a provider is likely to fail.
  [HARD_TRIGGERS.s56Notice]: ['financial', 'regulator action'],
  [HARD_TRIGGERS.contractSuspended]: ['commissioner concern'],
};

/** Commissioner actions reach the quality family as factors whose evidence value is the action. */
const CATEGORY_OF_ACTION: Partial<Record<string, ConcernCategory>> = { 'placement-embargo': 'commissioner concern', 'cqc-enforcement': 'regulator action' };

const actionEvidence = (a: RiskAssessment) =>
  a.factors.flatMap((factor) => factor.evidence.filter((e) => e.source === 'commissioner-action').map((evidence) => ({ factor, evidence })));

export function concernCategories(a: RiskAssessment): ConcernCategory[] {
  const categories = new Set<ConcernCategory>(a.factors.filter((f) => f.points > 0).map((f) => CATEGORY_OF_FAMILY[f.family]));
  for (const trigger of a.hardTriggers) for (const c of CATEGORIES_OF_TRIGGER[trigger as HardTrigger] ?? []) categories.add(c);
  for (const { evidence } of actionEvidence(a)) {
    const category = CATEGORY_OF_ACTION[evidence.value];
    if (category) categories.add(category);
  }
  return CONCERN_CATEGORIES.filter((c) => categories.has(c));
}

/** Placement embargoes from their factors (which name the council), contract suspensions from their trigger. */
export function actionsTaken(a: RiskAssessment): CouncilAction[] {
  const embargoes = actionEvidence(a)
    .filter(({ evidence }) => evidence.value === 'placement-embargo')
    .map(({ factor, evidence }): CouncilAction => ({ action: 'placement embargo', council: /\bby (E\d{8})\b/.exec(factor.indicator)?.[1] ?? null, since: evidence.date }));
  const suspension: CouncilAction[] = a.hardTriggers.includes(HARD_TRIGGERS.contractSuspended) ? [{ action: 'contract suspension', council: null, since: null }] : [];
  return [...embargoes, ...suspension];
}
