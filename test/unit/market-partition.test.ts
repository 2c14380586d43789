// The market in parts for the full scoring: whole providers in the market's order, every subject in exactly
// one part, and each part naming the predecessors under other providers whose history it needs.
import { describe, expect, it } from 'vitest';
import { partitionMarket } from '../../shared/domain/market-partition.js';
import { location, provider, registrationLink } from '../support/fixtures.js';

const AS_OF = '2025-09-30';
const [P1, P2, P3, P4] = ['1-900000001', '1-900000002', '1-900000003', '1-900000004'];
const home = (n: number, providerId: string) => location({ locationId: `1-10000000${n}`, providerId });
const ids = (part: { locations: { locationId: string }[] }) => part.locations.map((l) => l.locationId);

describe('partitionMarket', () => {
  it('packs whole providers, in the order the market names them, into parts of at least the size asked', () => {
    // Prepare: P1's homes are not next to each other in the market's order
    const locations = [home(1, P1), home(2, P2), home(3, P1), home(4, P3), home(5, P3), home(6, P3), home(7, P2)];
    const providers = [P1, P2, P3].map((providerId) => provider({ providerId }));

    // Act
    const parts = partitionMarket({ locations, providers, links: [] }, AS_OF, 2);

    // Assess: P1 fills the first part; P2 the second; P3, larger than a part, the third
    expect(parts.map(ids)).toEqual([
      ['1-100000001', '1-100000003'],
      ['1-100000002', '1-100000007'],
      ['1-100000004', '1-100000005', '1-100000006'],
    ]);
    expect(parts.map((p) => p.providers.map((x) => x.providerId))).toEqual([[P1], [P2], [P3]]);
  });

  it('puts a provider without homes, and a home whose provider is not listed, in exactly one part', () => {
    // Prepare
    const locations = [home(1, P1), home(2, P4)];
    const providers = [P1, P2].map((providerId) => provider({ providerId }));

    // Act
    const parts = partitionMarket({ locations, providers, links: [] }, AS_OF, 1);

    // Assess
    expect(parts.flatMap(ids)).toEqual(['1-100000001', '1-100000002']);
    expect(parts.flatMap((p) => p.providers.map((x) => x.providerId))).toEqual([P1, P2]);
  });

  it('names the predecessors under another provider a part needs, back along a chain, listed and in force only', () => {
    // Prepare: 1 (P1) sold to 2 (P2), sold on to 3 (P3); 4 (P1) linked to an unlisted id; 5 (P1) to 6 (P3) only after the date
    const locations = [home(1, P1), home(4, P1), home(5, P1), home(2, P2), home(3, P3), home(6, P3)];
    const providers = [P1, P2, P3].map((providerId) => provider({ providerId }));
    const links = [
      registrationLink({ predecessorId: '1-100000001', successorId: '1-100000002', linkedOn: '2025-03-01', receivedOn: '2025-03-02' }),
      registrationLink({ predecessorId: '1-100000002', successorId: '1-100000003', linkedOn: '2025-06-01', receivedOn: '2025-06-02' }),
      registrationLink({ predecessorId: '1-199999999', successorId: '1-100000004' }),
      registrationLink({ predecessorId: '1-100000005', successorId: '1-100000006', linkedOn: '2025-10-01', receivedOn: '2025-10-02' }),
    ];

    // Act
    const parts = partitionMarket({ locations, providers, links }, AS_OF, 1);

    // Assess
    expect(parts.map((p) => ({ locations: ids(p), predecessorIds: p.predecessorIds }))).toEqual([
      { locations: ['1-100000001', '1-100000004', '1-100000005'], predecessorIds: [] },
      { locations: ['1-100000002'], predecessorIds: ['1-100000001'] },
      { locations: ['1-100000003', '1-100000006'], predecessorIds: ['1-100000002', '1-100000001'] },
    ]);
  });
});
