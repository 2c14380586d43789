// The disclosure audit use case: who the token's claims say is calling, which queries are well formed, and
// which trails each kind of party may list. The store is an in-memory reader of two canned trails.
import { describe, expect, it } from 'vitest';
import { auditQueryFrom, callerFrom, type DisclosureReader, listDisclosures } from '../../functions/audit/audit.js';
import { filterPolicyFor } from '../../shared/adapters/sns/subscriptions.js';
import { DEFAULT_PROTOCOL, partyIds, type EscalationParty, partyOf, roleOf, type Tier } from '../../shared/domain/protocol.js';
import type { Disclosure } from '../../shared/ports/escalations.js';
import { protocolWith } from '../support/escalation.js';
import { BRADFORD, CAMDEN, LEEDS, MANCHESTER } from '../support/fixtures.js';

const PROVIDER = '1-900000001';
const NATIONAL = DEFAULT_PROTOCOL.parties.nationalOversight.id;
const ADASS_YORKSHIRE = 'adass-yorkshire-and-humber';

const disclosure = (recipientId: string, disclosedOn: string, tier: Tier = 'local'): Disclosure => {
  const idempotencyKey = `provider-${PROVIDER}-2025-10-15#1#${tier}#${recipientId}`;
  return {
    idempotencyKey,
    episodeId: `provider-${PROVIDER}-2025-10-15`,
    changeKind: 'opened',
    subjectId: PROVIDER,
    recipientId,
    tier,
    fieldClasses: ['public', 'official'],
    protocolVersion: DEFAULT_PROTOCOL.version,
    legalBasis: DEFAULT_PROTOCOL.legalBasis,
    disclosedOn,
    sentAs: idempotencyKey,
  };
};

const reader: DisclosureReader = {
  disclosuresForSubject: async (subjectId) => (subjectId === PROVIDER ? [disclosure(LEEDS, '2025-10-16'), disclosure(BRADFORD, '2025-10-15')] : []),
  // Opened at the local tier, then raised to the regional.
  disclosuresForRecipient: async (recipientId) => [disclosure(recipientId, '2025-10-15'), disclosure(recipientId, '2025-10-16', 'regional')],
};

const party = (recipientId: string): EscalationParty => partyOf(recipientId, DEFAULT_PROTOCOL)!;

describe('parties', () => {
  it('are every council, ADASS network and national oversight, each with a one-combination filter policy', () => {
    // Act
    const parties = partyIds(DEFAULT_PROTOCOL).map((id) => partyOf(id, DEFAULT_PROTOCOL));

    // Assess
    expect(parties).toHaveLength(153 + 9 + 1);
    expect(parties.map((p) => p?.id)).toEqual(partyIds(DEFAULT_PROTOCOL));
    for (const p of parties) {
      const policy = filterPolicyFor(p!);
      expect(Object.keys(policy).length).toBeLessThanOrEqual(5);
      expect(Object.values(policy).every((values) => values.length === 1)).toBe(true);
    }
    expect(party(ADASS_YORKSHIRE)).toEqual({ kind: 'adass-network', id: ADASS_YORKSHIRE, region: 'Yorkshire and Humber' });
    expect(filterPolicyFor(party(ADASS_YORKSHIRE))).toEqual({ recipientKind: ['adass-network'], region: ['Yorkshire and Humber'] });
    expect(filterPolicyFor(party(LEEDS))).toEqual({ recipient: [LEEDS] });
    expect(partyOf('E99999999', DEFAULT_PROTOCOL)).toBeUndefined();
  });
});

describe('callerFrom', () => {
  it.each([
    ['council-commissioner', LEEDS, LEEDS],
    ['adass-network', ADASS_YORKSHIRE, ADASS_YORKSHIRE],
    ['national-oversight', NATIONAL, NATIONAL],
  ])('accepts role %s for party %s', (role, partyClaim, expected) => {
    // Act
    const caller = callerFrom(role, partyClaim, DEFAULT_PROTOCOL);

    // Assess
    expect(caller?.id).toBe(expected);
    expect(roleOf(caller!, DEFAULT_PROTOCOL)).toBe(role);
  });

  it.each([
    ['national-oversight', LEEDS],
    ['council-commissioner', NATIONAL],
    ['council-commissioner', 'E99999999'],
    [undefined, LEEDS],
    ['council-commissioner', undefined],
    ['council-commissioner', ['E08000035']],
  ])('refuses role %s for party %s', (role, partyClaim) => {
    // Act
    const caller = callerFrom(role, partyClaim, DEFAULT_PROTOCOL);

    // Assess
    expect(caller).toBeUndefined();
  });
});

describe('auditQueryFrom', () => {
  it.each([
    [{ provider: PROVIDER }, { provider: PROVIDER }],
    [{ recipient: LEEDS }, { recipient: LEEDS }],
    [{ recipient: NATIONAL }, { recipient: NATIONAL }],
  ])('reads %j', (parameters, expected) => {
    // Act
    const query = auditQueryFrom(parameters, DEFAULT_PROTOCOL);

    // Assess
    expect(query).toEqual(expected);
  });

  it.each([
    [{}, /exactly one/],
    [{ provider: PROVIDER, recipient: LEEDS }, /exactly one/],
    [{ provider: 'Acme' }, /not a CQC id/],
    [{ recipient: 'E99999999' }, /no council, ADASS network or national oversight/],
  ])('refuses %j', (parameters, reason) => {
    // Act
    const query = auditQueryFrom(parameters, DEFAULT_PROTOCOL);

    // Assess
    expect('invalid' in query && query.invalid).toMatch(reason);
  });
});

describe('listDisclosures', () => {
  it.each([
    ['national oversight, by provider', NATIONAL, { provider: PROVIDER }],
    ['national oversight, any recipient', NATIONAL, { recipient: CAMDEN }],
    ['a council, itself', LEEDS, { recipient: LEEDS }],
    ['an ADASS network, itself', ADASS_YORKSHIRE, { recipient: ADASS_YORKSHIRE }],
    ['an ADASS network, a council of its region', ADASS_YORKSHIRE, { recipient: BRADFORD }],
  ])('lets %s list', async (_, caller, query) => {
    // Act
    const result = await listDisclosures(reader, party(caller), query, DEFAULT_PROTOCOL);

    // Assess
    expect(result.outcome).toBe('listed');
    expect(result.outcome === 'listed' && result.disclosures.length).toBeGreaterThan(0);
  });

  it.each([
    ['a council, by provider', LEEDS, { provider: PROVIDER }],
    ['a council, another council', LEEDS, { recipient: BRADFORD }],
    ['a council, national oversight', LEEDS, { recipient: NATIONAL }],
    ['an ADASS network, by provider', ADASS_YORKSHIRE, { provider: PROVIDER }],
    ['an ADASS network, a council of another region', ADASS_YORKSHIRE, { recipient: MANCHESTER }],
    ['an ADASS network, another network', ADASS_YORKSHIRE, { recipient: 'adass-north-west' }],
    ['an ADASS network, national oversight', ADASS_YORKSHIRE, { recipient: NATIONAL }],
  ])('forbids %s', async (_, caller, query) => {
    // Act
    const result = await listDisclosures(reader, party(caller), query, DEFAULT_PROTOCOL);

    // Assess
    expect(result.outcome).toBe('forbidden');
  });

  it.each([
    ['national oversight, a council', NATIONAL, CAMDEN, ['local', 'regional']],
    ['a council, itself', LEEDS, LEEDS, ['local', 'regional']],
    ['an ADASS network, a council of its region', ADASS_YORKSHIRE, BRADFORD, ['regional']],
    ['an ADASS network, itself', ADASS_YORKSHIRE, ADASS_YORKSHIRE, ['regional']],
  ])('shows %s the tiers the protocol allows it', async (_, caller, recipient, tiers) => {
    // Act
    const result = await listDisclosures(reader, party(caller), { recipient }, DEFAULT_PROTOCOL);

    // Assess
    expect(result.outcome === 'listed' && result.disclosures.map((d) => d.tier)).toEqual(tiers);
  });

  it('shows an ADASS network the local tier too under a protocol that grants it', async () => {
    // Prepare
    const protocol = protocolWith((p) => {
      p.audit.adassNetworkTiers = ['local', 'regional', 'national'];
    });

    // Act
    const result = await listDisclosures(reader, party(ADASS_YORKSHIRE), { recipient: BRADFORD }, protocol);

    // Assess
    expect(result.outcome === 'listed' && result.disclosures.map((d) => d.tier)).toEqual(['local', 'regional']);
  });

  it('refuses a protocol naming a tier that does not exist', () => {
    // Act
    const invalid = () =>
      protocolWith((p) => {
        p.audit.adassNetworkTiers = ['county' as Tier];
      });

    // Assess
    expect(invalid).toThrow(/adassNetworkTiers/);
  });

  it('lists oldest first', async () => {
    // Act
    const result = await listDisclosures(reader, party(NATIONAL), { provider: PROVIDER }, DEFAULT_PROTOCOL);

    // Assess
    expect(result.outcome === 'listed' && result.disclosures.map((d) => [d.disclosedOn, d.recipientId])).toEqual([
      ['2025-10-15', BRADFORD],
      ['2025-10-16', LEEDS],
    ]);
  });
});
