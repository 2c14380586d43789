// decideAll against in-memory ports: each subject is decided and stored on its own, so one whose decision
// cannot be stored is retried, then reported by name, while every other subject's decision is recorded.
import { describe, expect, it } from 'vitest';
import { DECIDE_ATTEMPTS, decideAll, type EscalatePorts } from '../../functions/escalate/escalate.js';
import type { Episode } from '../../shared/domain/episode.js';
import type { EscalationDecision } from '../../shared/domain/escalation.js';
import type { Group, IsoDate, Location, Provider, RiskAssessment, Subject, SubjectType } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import type { EscalationStore } from '../../shared/ports/escalations.js';
import type { AssessmentStore, PlacementStore, ReferenceStore } from '../../shared/ports/stores.js';
import type { Placement } from '../../shared/sources/placements.js';
import { AS_OF, location, provider } from '../support/fixtures.js';
import { GROUP_ID, homeId, InMemoryOutbox, OTHER_HOME_ID, OTHER_PROVIDER_ID, RecordingDeadLetters, RecordingNotifier, red } from '../support/outbox.js';

const subjectKey = (s: Subject) => `${s.type}:${s.id}`;

/** Episodes and outbox in memory; `recordDecision` throws while `fails` says so for the subject and attempt. */
class InMemoryEscalations implements EscalationStore {
  readonly episodes = new Map<string, Episode>();
  readonly attempts = new Map<string, number>();

  constructor(
    private readonly outbox: InMemoryOutbox,
    private readonly fails: (subject: Subject, attempt: number) => boolean,
  ) {}

  async currentEpisode(subject: Subject): Promise<Episode | undefined> {
    return this.episodes.get(subjectKey(subject));
  }

  async recordDecision(decision: EscalationDecision, _previous: Episode | undefined, context: { decidedOn: IsoDate; familyId: string }): Promise<'recorded' | 'superseded'> {
    const key = subjectKey(decision.episode.subject);
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    if (this.fails(decision.episode.subject, attempt)) throw Object.assign(new Error(`Rate exceeded on ${key}`), { name: 'ThrottlingException' });
    this.episodes.set(key, decision.episode);
    for (const message of decision.messages) this.outbox.entries.set(message.idempotencyKey, { message, ...context, dispatch: null, attempts: 0, state: 'pending', on: null });
    return 'recorded';
  }
}

const LOCATIONS: Location[] = [location(), location({ locationId: OTHER_HOME_ID, providerId: OTHER_PROVIDER_ID })];
const PROVIDERS: Provider[] = [provider({ groupId: GROUP_ID }), provider({ providerId: OTHER_PROVIDER_ID, name: 'Other Care Ltd', companyNumber: '07654321' })];
const GROUPS: Group[] = [{ groupId: GROUP_ID, name: 'Acme Group' }];

class InMemoryReference implements ReferenceStore {
  async putReference(): Promise<void> {
    throw new Error('read only');
  }
  listLocations = async () => LOCATIONS;
  listProviders = async () => PROVIDERS;
  listGroups = async () => GROUPS;
  getLocation = async (id: string) => LOCATIONS.find((l) => l.locationId === id);
  getProvider = async (id: string) => PROVIDERS.find((p) => p.providerId === id);
  getGroup = async (id: string) => GROUPS.find((g) => g.groupId === id);
  locationsOfProvider = async (id: string) => LOCATIONS.filter((l) => l.providerId === id);
  providersOfGroup = async (id: string) => PROVIDERS.filter((p) => p.groupId === id);
  listLinks = async () => [];
  linksOf = async () => [];
}

function assessmentStore(assessments: readonly RiskAssessment[]): AssessmentStore {
  return {
    putAssessments: async () => {
      throw new Error('read only');
    },
    assessmentsAsOf: async (asOf: IsoDate, type: SubjectType) => assessments.filter((a) => a.asOf === asOf && a.subject.type === type),
    latestAssessment: async () => undefined,
  };
}

const placements: PlacementStore = {
  putPlacements: async () => {
    throw new Error('read only');
  },
  listPlacements: async (): Promise<Placement[]> => [],
};

/** Four Red subjects on one day: the group, its provider and home, and a provider in no group. */
const ASSESSMENTS = [red.group(), red.provider(), red.home(), red.otherProvider()];
const OTHER_PROVIDER: Subject = { type: 'provider', id: OTHER_PROVIDER_ID };

function portsWith(fails: (subject: Subject, attempt: number) => boolean) {
  const outbox = new InMemoryOutbox();
  const escalations = new InMemoryEscalations(outbox, fails);
  const ports: EscalatePorts = {
    assessments: assessmentStore(ASSESSMENTS),
    reference: new InMemoryReference(),
    placements,
    escalations,
    outbox,
    notifier: new RecordingNotifier(),
    deadLetters: new RecordingDeadLetters(),
  };
  return { ports, escalations, outbox };
}

const recordedSubjects = (escalations: InMemoryEscalations) => [...escalations.episodes.keys()].sort();
const allSubjects = () => ASSESSMENTS.map((a) => subjectKey(a.subject)).sort();

describe('decideAll', () => {
  it('reports by name a subject whose decision cannot be stored after every attempt, and records every other subject', async () => {
    // Prepare
    const { ports, escalations, outbox } = portsWith((subject) => subjectKey(subject) === subjectKey(OTHER_PROVIDER));

    // Act
    const report = await decideAll(ports, AS_OF, DEFAULT_PROTOCOL);

    // Assess
    expect(report).toEqual({
      decisions: ASSESSMENTS.length - 1,
      failures: [{ subject: OTHER_PROVIDER, attempts: DECIDE_ATTEMPTS, error: `ThrottlingException: Rate exceeded on ${subjectKey(OTHER_PROVIDER)}` }],
    });
    expect(escalations.attempts.get(subjectKey(OTHER_PROVIDER))).toBe(DECIDE_ATTEMPTS);
    expect(recordedSubjects(escalations)).toEqual(allSubjects().filter((s) => s !== subjectKey(OTHER_PROVIDER)));
    expect([...outbox.entries.values()].map((e) => e.message.subject.id)).not.toContain(OTHER_PROVIDER_ID);
  });

  it('records a subject whose first attempt fails and whose retry succeeds, and reports no failure', async () => {
    // Prepare
    const home: Subject = { type: 'location', id: homeId(1) };
    const { ports, escalations } = portsWith((subject, attempt) => subjectKey(subject) === subjectKey(home) && attempt === 1);

    // Act
    const report = await decideAll(ports, AS_OF, DEFAULT_PROTOCOL);

    // Assess
    expect(report).toEqual({ decisions: ASSESSMENTS.length, failures: [] });
    expect(escalations.attempts.get(subjectKey(home))).toBe(2);
    expect(recordedSubjects(escalations)).toEqual(allSubjects());
  });

  it('stores each decision with its day and subject family, for the notices to fold', async () => {
    // Prepare
    const { ports, outbox } = portsWith(() => false);

    // Act
    await decideAll(ports, AS_OF, DEFAULT_PROTOCOL, '2025-10-16');

    // Assess
    const families = new Set([...outbox.entries.values()].map((e) => `${e.message.subject.type}:${e.familyId}:${e.decidedOn}`));
    expect([...families].sort()).toEqual([
      `group:group:${GROUP_ID}:2025-10-16`,
      `location:group:${GROUP_ID}:2025-10-16`,
      `provider:group:${GROUP_ID}:2025-10-16`,
      `provider:provider:${OTHER_PROVIDER_ID}:2025-10-16`,
    ]);
  });
});
