// The escalation use case: decide, for every location, provider and group assessment, what it changes in
// the subject's episode (opened, raised, worsened, a reminder, stood down); store each decision with its
// outbox entry in one transaction; then drain the outbox to SNS and record each disclosure. Deciding and
// publishing are separate steps so a crash between them loses nothing.
import pMap from 'p-map';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { type MarketContext, marketContextOf } from '../../shared/domain/market-context.js';
import { type IsoDate, SubjectType } from '../../shared/domain/model.js';
import type { Protocol, Tier } from '../../shared/domain/protocol.js';
import { drainOutbox } from '../../shared/application/outbox.js';
import type { EscalationStore, Notifier } from '../../shared/ports/escalations.js';
import type { AssessmentStore, PlacementStore, ReferenceStore } from '../../shared/ports/stores.js';

export interface EscalatePorts {
  assessments: AssessmentStore;
  reference: ReferenceStore;
  placements: PlacementStore;
  escalations: EscalationStore;
  notifier: Notifier;
}

export interface EscalateReport {
  asOf: IsoDate;
  decisions: number;
  messagesPublished: number;
  byTier: Record<Tier, number>;
}

export async function loadMarketContext(ports: Pick<EscalatePorts, 'reference' | 'placements'>): Promise<MarketContext> {
  const [locations, providers, placements] = await Promise.all([
    ports.reference.listLocations(),
    ports.reference.listProviders(),
    ports.placements.listPlacements(),
  ]);
  return marketContextOf(locations, providers, placements);
}

/** Subjects are independent of each other, so a few are decided at once. */
const DECIDE_CONCURRENCY = 8;

/** Decides every subject assessed on the date; returns how many decisions were recorded. */
export async function decideAll(ports: EscalatePorts, asOf: IsoDate, protocol: Protocol): Promise<number> {
  const market = await loadMarketContext(ports);
  const assessments = (await Promise.all(SubjectType.options.map((type) => ports.assessments.assessmentsAsOf(asOf, type)))).flat();
  const recorded = await pMap(
    assessments,
    async (assessment) => {
      const current = await ports.escalations.currentEpisode(assessment.subject);
      const decision = decideEscalation(assessment, current, market, protocol);
      return decision !== null && (await ports.escalations.recordDecision(decision, current)) === 'recorded';
    },
    { concurrency: DECIDE_CONCURRENCY },
  );
  return recorded.filter(Boolean).length;
}

export async function escalate(ports: EscalatePorts, asOf: IsoDate, protocol: Protocol): Promise<EscalateReport> {
  const decisions = await decideAll(ports, asOf, protocol);
  const { published, byTier } = await drainOutbox(ports, asOf);
  return { asOf, decisions, messagesPublished: published, byTier };
}
