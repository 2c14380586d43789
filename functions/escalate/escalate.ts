// The escalation use case: decide, for every location, provider and group assessment, what it changes in
// the subject's episode (opened, raised, worsened, a reminder, stood down) and store each decision with its
// messages; then drain the outbox to SNS and record each disclosure. Each subject is decided and written on
// its own: one that fails is retried, then reported by name, and every other subject's escalation goes on.
import pMap from 'p-map';
import { decideEscalation } from '../../shared/domain/escalation.js';
import { familyOf, type MarketContext, marketContextOf } from '../../shared/domain/market-context.js';
import { type IsoDate, type RiskAssessment, type Subject, SubjectType } from '../../shared/domain/model.js';
import type { Protocol } from '../../shared/domain/protocol.js';
import { type DrainPorts, type DrainReport, drainOutbox } from '../../shared/application/outbox.js';
import type { EscalationStore } from '../../shared/ports/escalations.js';
import type { AssessmentStore, PlacementStore, ReferenceStore } from '../../shared/ports/stores.js';

export interface EscalatePorts extends DrainPorts {
  assessments: AssessmentStore;
  reference: ReferenceStore;
  placements: PlacementStore;
  escalations: EscalationStore;
}

/** A subject whose decision could not be stored after every attempt: named, never its content. */
export interface SubjectFailure {
  subject: Subject;
  attempts: number;
  error: string;
}

export interface DecideReport {
  decisions: number;
  failures: SubjectFailure[];
}

export interface EscalateReport extends DecideReport {
  asOf: IsoDate;
  drained: DrainReport;
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
/** Attempts per subject: a transient failure (throttling the SDK gave up on, a time-out) gets two more. */
export const DECIDE_ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;

/**
 * Decides every subject assessed on the date. `decidedOn` is the day of the run (the delivery date in a
 * replay): notices fold the changes of one day.
 */
export async function decideAll(ports: EscalatePorts, asOf: IsoDate, protocol: Protocol, decidedOn: IsoDate = asOf): Promise<DecideReport> {
  const [market, assessments] = await Promise.all([
    loadMarketContext(ports),
    Promise.all(SubjectType.options.map((type) => ports.assessments.assessmentsAsOf(asOf, type))).then((byType) => byType.flat()),
  ]);
  return decideEach(ports.escalations, assessments, market, protocol, decidedOn);
}

/**
 * Decides each assessment against its subject's current episode and stores the decision, with the market
 * already loaded: the whole market's run above, or a warm container deciding only what was just rescored.
 */
export async function decideEach(
  escalations: EscalationStore,
  assessments: readonly RiskAssessment[],
  market: MarketContext,
  protocol: Protocol,
  decidedOn: IsoDate,
): Promise<DecideReport> {
  const outcomes = await pMap(
    assessments,
    async (assessment): Promise<boolean | SubjectFailure> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const current = await escalations.currentEpisode(assessment.subject);
          const decision = decideEscalation(assessment, current, market, protocol);
          if (decision === null) return false;
          const familyId = familyOf(assessment.subject, market);
          return (await escalations.recordDecision(decision, current, { decidedOn, familyId })) === 'recorded';
        } catch (error) {
          if (attempt >= DECIDE_ATTEMPTS) return { subject: assessment.subject, attempts: attempt, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
        }
      }
    },
    { concurrency: DECIDE_CONCURRENCY },
  );
  return {
    decisions: outcomes.filter((o) => o === true).length,
    failures: outcomes.filter((o): o is SubjectFailure => typeof o === 'object'),
  };
}

export async function escalate(ports: EscalatePorts, asOf: IsoDate, protocol: Protocol, today: IsoDate): Promise<EscalateReport> {
  const decided = await decideAll(ports, asOf, protocol, today);
  const drained = await drainOutbox(ports, today, protocol);
  return { asOf, ...decided, drained };
}
