// Who may subscribe to which escalations, in one place for the CDK stack and the local provisioning.
// Every message is addressed to exactly one recipient and its filter attributes are scalars, so each
// party's filter policy names one value per key: one combination, far inside SNS's limits of 5 keys and
// 150 combinations, however many councils a concern reaches. A policy on `region` alone would be wrong:
// the regional topic also carries the messages to that region's host councils, with commercially
// sensitive fields an ADASS network may not see. Each party subscribes to all three tier topics with the
// same policy: whichever tier a concern is raised at, it reaches exactly the parties it is addressed to.
import { councilByGss } from '../../domain/councils.js';
import { ADASS_REGIONS, type AdassRegion } from '../../domain/model.js';
import { adassNetworkId, type PartyRole, type Protocol, type RecipientKind } from '../../domain/protocol.js';

/** A party the protocol can address; `id` is the `recipient` attribute of the messages addressed to it. */
export type EscalationParty =
  | { readonly kind: 'council'; readonly id: string }
  | { readonly kind: 'adass-network'; readonly id: string; readonly region: AdassRegion }
  | { readonly kind: 'national'; readonly id: string };

/** The party a recipient id names, or undefined for an id that is no council, ADASS network or national oversight. */
export function partyOf(recipientId: string, protocol: Protocol): EscalationParty | undefined {
  if (recipientId === protocol.parties.nationalOversight.id) return { kind: 'national', id: recipientId };
  const region = ADASS_REGIONS.find((r) => adassNetworkId(r, protocol) === recipientId);
  if (region) return { kind: 'adass-network', id: recipientId, region };
  return councilByGss(recipientId) ? { kind: 'council', id: recipientId } : undefined;
}

/** The `custom:role` claim the protocol gives the party's staff. */
export function roleOf(party: EscalationParty, protocol: Protocol): PartyRole {
  const { councils, adassNetworks, nationalOversight } = protocol.parties;
  return { council: councils.role, 'adass-network': adassNetworks.role, national: nationalOversight.role }[party.kind];
}

const ADASS_KIND: RecipientKind = 'adass-network';

/** The subscription filter policy (message attributes) that lets through exactly the party's own messages. */
export function filterPolicyFor(party: EscalationParty): Record<string, string[]> {
  return party.kind === 'adass-network' ? { recipientKind: [ADASS_KIND], region: [party.region] } : { recipient: [party.id] };
}
