// Who may subscribe to which escalations, in one place for the CDK stack and the local provisioning.
// Every message is addressed to exactly one recipient and its filter attributes are scalars, so each
// party's filter policy names one value per key: one combination, far inside SNS's limits of 5 keys and
// 150 combinations, however many councils a concern reaches. A policy on `region` alone would be wrong:
// the regional topic also carries the messages to that region's host councils, with commercially
// sensitive fields an ADASS network may not see. Each party subscribes to all three tier topics with the
// same policy: whichever tier a concern is raised at, it reaches exactly the parties it is addressed to.
import type { EscalationParty, RecipientKind } from '../../domain/protocol.js';

const ADASS_KIND: RecipientKind = 'adass-network';

/** The subscription filter policy (message attributes) that lets through exactly the party's own messages. */
export function filterPolicyFor(party: EscalationParty): Record<string, string[]> {
  return party.kind === 'adass-network' ? { recipientKind: [ADASS_KIND], region: [party.region] } : { recipient: [party.id] };
}
