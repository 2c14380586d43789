// The stated heuristic that links a deregistered location to its successor where the source states no link.
import { describe, expect, it } from 'vitest';
import type { Location, RegistrationLink } from '../../shared/domain/model.js';
import { inferLinks, MATCH_WINDOW_DAYS, NAME_SIMILARITY_THRESHOLD, nameSimilarity } from '../../shared/domain/registration-matching.js';
import { location } from '../support/fixtures.js';

const OLD = '1-100000001';
const NEW = '1-100000002';
const OTHER = '1-100000003';
const UPRN = '100023336956';

const made = { origin: 'cqc-register/2025-10-01/register.csv', receivedOn: '2025-10-01', source: 'cqc-register' } as const;

/** Rose House, deregistered on 30 September 2025 by its provider. */
const closed = (overrides: Partial<Location> = {}): Location =>
  location({ locationId: OLD, providerId: '1-900000001', name: 'Rose House', uprn: UPRN, postcode: 'LS1 1AA', registeredOn: '2012-05-01', deregisteredOn: '2025-09-30', ...overrides });

/** A registration at the same address the same day, under a new provider. */
const opened = (overrides: Partial<Location> = {}): Location =>
  location({ locationId: NEW, providerId: '1-900000002', name: 'Rose House Care Home', uprn: UPRN, postcode: 'LS1 1AA', registeredOn: '2025-09-30', ...overrides });

const infer = (candidates: readonly Location[], known: readonly RegistrationLink[] = []) => inferLinks({ candidates, known, ...made });

describe('inferLinks', () => {
  it('links a deregistered home to the home registered the same day at the same UPRN, as a change of owner', () => {
    // Prepare
    const candidates = [closed(), opened()];

    // Act
    const links = infer(candidates);

    // Assess
    expect(links).toEqual([
      {
        predecessorId: OLD,
        successorId: NEW,
        linkedOn: '2025-09-30',
        kind: 'ownership-change',
        reason: `Same UPRN ${UPRN}, registered 0 days after deregistration (heuristic)`,
        evidence: 'same-uprn',
        confidence: 0.9,
        source: 'cqc-register',
        origin: made.origin,
        receivedOn: '2025-10-01',
      },
    ]);
  });

  it('links by postcode and a similar name where the UPRNs differ, as a move under the same provider', () => {
    // Prepare: the same provider re-registers "Rose House" as "The Rose House Ltd" three days before, next door
    const candidates = [
      closed(),
      opened({ providerId: '1-900000001', name: 'The Rose House Ltd', uprn: '100023336957', postcode: 'ls11aa', registeredOn: '2025-09-27' }),
    ];

    // Act
    const links = infer(candidates);

    // Assess
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      predecessorId: OLD,
      successorId: NEW,
      linkedOn: '2025-09-30',
      kind: 'move',
      evidence: 'same-postcode-similar-name',
      confidence: 0.7,
      reason: 'Same postcode LS1 1AA and a similar name (1.00), registered 3 days before deregistration (heuristic)',
    });
  });

  it('calls a same-provider re-registration without a known second UPRN "other"', () => {
    // Prepare
    const candidates = [closed(), opened({ providerId: '1-900000001', uprn: undefined, registeredOn: '2025-10-01' })];

    // Act
    const links = infer(candidates);

    // Assess
    expect(links.map((l) => [l.evidence, l.kind, l.reason])).toEqual([
      ['same-postcode-similar-name', 'other', 'Same postcode LS1 1AA and a similar name (1.00), registered 1 day after deregistration (heuristic)'],
    ]);
  });

  it('does not link a differently named service at the same postcode', () => {
    // Prepare
    const candidates = [closed({ uprn: undefined }), opened({ uprn: undefined, name: 'Meadowbank Lodge' })];

    // Act
    const links = infer(candidates);

    // Assess
    expect(nameSimilarity('Rose House', 'Meadowbank Lodge')).toBeLessThan(NAME_SIMILARITY_THRESHOLD);
    expect(links).toEqual([]);
  });

  it('does not link a registration outside the window, on either side of the deregistration', () => {
    // Prepare
    const late = opened({ registeredOn: '2025-10-08' });
    const early = opened({ locationId: OTHER, registeredOn: '2025-09-22' });
    const justInside = opened({ registeredOn: '2025-10-07' });

    // Act
    const outside = infer([closed(), late, early]);
    const inside = infer([closed(), justInside]);

    // Assess
    expect(MATCH_WINDOW_DAYS).toBe(7);
    expect(outside).toEqual([]);
    expect(inside.map((l) => l.successorId)).toEqual([NEW]);
  });

  it('links none when two registrations match equally well', () => {
    // Prepare: two new services at the same UPRN, however their names compare
    const candidates = [closed(), opened(), opened({ locationId: OTHER, name: 'Rose House Annexe' })];

    // Act
    const links = infer(candidates);

    // Assess
    expect(links).toEqual([]);
  });

  it('prefers the same UPRN over a postcode and name match', () => {
    // Prepare: one registration shares the UPRN, another only the postcode and the name
    const candidates = [closed(), opened(), opened({ locationId: OTHER, uprn: '100023336999' })];

    // Act
    const links = infer(candidates);

    // Assess
    expect(links.map((l) => [l.successorId, l.evidence])).toEqual([[NEW, 'same-uprn']]);
  });

  it('matches a care home only to a care home and home care only to home care', () => {
    // Prepare: a home care agency registered at the closed home's UPRN, and a closed agency beside a new home
    const agency = opened({ serviceKind: 'home-care', beds: 0, sizeBand: null });
    const closedAgency = closed({ locationId: OTHER, serviceKind: 'home-care', beds: 0, sizeBand: null });
    const newHome = opened({ locationId: '1-100000004' });

    // Act
    const homeToAgency = infer([closed(), agency]);
    const agencyToHome = infer([closedAgency, newHome]);

    // Assess
    expect(homeToAgency).toEqual([]);
    expect(agencyToHome).toEqual([]);
  });

  it('leaves a predecessor with a known link alone, and takes no successor deregistered first', () => {
    // Prepare
    const known: RegistrationLink = { ...infer([closed(), opened()])[0]!, successorId: OTHER, evidence: 'cqc-relationship', confidence: 1 };
    const gone = opened({ deregisteredOn: '2025-09-30' });

    // Act
    const alreadyLinked = infer([closed(), opened()], [known]);
    const successorGone = infer([closed(), gone]);

    // Assess
    expect(alreadyLinked).toEqual([]);
    expect(successorGone).toEqual([]);
  });

  it('lets a later record of a location stand for an earlier one', () => {
    // Prepare: the stored record has no deregistration; this file's record of the same home does
    const candidates = [closed({ deregisteredOn: undefined }), opened(), closed()];

    // Act
    const links = infer(candidates);

    // Assess
    expect(links.map((l) => [l.predecessorId, l.successorId])).toEqual([[OLD, NEW]]);
  });

  it('matches a national register of 30,000 locations in one pass', () => {
    // Prepare: 15,000 pairs, each a closed home and its successor at the same UPRN, with a postcode shared by ten homes
    const candidates = Array.from({ length: 15_000 }, (_, i) => {
      const id = (n: number) => `1-${String(n).padStart(9, '0')}`;
      const shared = { uprn: String(10_000_000 + i), postcode: `LS${i % 1500} 1AA` };
      return [closed({ locationId: id(2 * i), name: `Home ${i}`, ...shared }), opened({ locationId: id(2 * i + 1), name: `Home ${i}`, ...shared })];
    }).flat();
    // How often a registration date is read: comparing a pair reads the candidate's; a pass over every pair would read each 15,000 times.
    let reads = 0;
    const counted = candidates.map((c) => new Proxy(c, { get: (target, key, receiver) => ((reads += key === 'registeredOn' ? 1 : 0), Reflect.get(target, key, receiver)) }));

    // Act
    const links = infer(counted);

    // Assess: each home is compared only with those sharing its UPRN or postcode (ten here), on any machine
    expect(links).toHaveLength(15_000);
    expect(links.every((l) => l.evidence === 'same-uprn')).toBe(true);
    expect(reads / candidates.length).toBeLessThan(20);
  });
});

describe('nameSimilarity', () => {
  it('ignores case, punctuation, accents and the words that name a kind of service or company', () => {
    // Prepare
    const pairs = [
      ['Rose House', 'ROSE HOUSE CARE HOME LIMITED'],
      ['Tŷ Gwyn', 'Ty Gwyn Nursing Home'],
      ['The Oaks', 'Oaks (The)'],
    ] as const;

    // Act
    const scores = pairs.map(([a, b]) => nameSimilarity(a, b));

    // Assess
    expect(scores).toEqual([1, 1, 1]);
  });

  it('scores partly alike names between 0 and 1 by their shared letter pairs', () => {
    // Prepare: "rosehouse" and "rosecourt" share ro, os, se, ou

    // Act
    const score = nameSimilarity('Rose House', 'Rose Court');

    // Assess
    expect(score).toBeCloseTo((2 * 4) / (8 + 8), 10);
  });
});
