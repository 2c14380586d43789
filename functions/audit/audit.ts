// The disclosure audit: who was told what about a subject, and what a recipient was told. A caller sees only
// what its role lets it see, kept deliberately simple:
//   national oversight   any subject (?provider=<CQC id>), any recipient;
//   a council            only disclosures addressed to itself (?recipient=<its GSS code>);
//   an ADASS network     only disclosures addressed to itself or to a council of its region, and of the
//                        tiers the protocol's `audit.adassNetworkTiers` lists (regional and national).
// Listing by subject is for national oversight alone: a subject's trail names every council told about it.

import { councilByGss } from '../../shared/domain/councils.js';
import { CqcId } from '../../shared/domain/model.js';
import { type EscalationParty, partyOf, type Protocol, roleOf } from '../../shared/domain/protocol.js';
import type { Disclosure, OutboxStore } from '../../shared/ports/escalations.js';

export type DisclosureReader = Pick<OutboxStore, 'disclosuresForSubject' | 'disclosuresForRecipient'>;

export type AuditQuery = { readonly provider: string } | { readonly recipient: string };

export type AuditOutcome =
  | { readonly outcome: 'listed'; readonly query: AuditQuery; readonly disclosures: Disclosure[] }
  | { readonly outcome: 'forbidden'; readonly reason: string };

/**
 * The caller from its token's claims: `custom:party` is its recipient id and `custom:role` must be the role
 * the protocol gives that kind of party; undefined when the claims name no party or the wrong role.
 */
export function callerFrom(role: unknown, party: unknown, protocol: Protocol): EscalationParty | undefined {
  const caller = typeof party === 'string' ? partyOf(party, protocol) : undefined;
  return caller && roleOf(caller, protocol) === role ? caller : undefined;
}

/** Exactly one of `provider` (a CQC id) or `recipient` (a party's recipient id); otherwise why not. */
export function auditQueryFrom(parameters: Readonly<Record<string, string | undefined>>, protocol: Protocol): AuditQuery | { invalid: string } {
  const { provider, recipient } = parameters;
  if ((provider === undefined) === (recipient === undefined)) return { invalid: 'give exactly one of ?provider=<CQC id> or ?recipient=<recipient id>' };
  const shown = (value: string) => JSON.stringify(value.slice(0, 40));
  if (provider !== undefined) return CqcId.safeParse(provider).success ? { provider } : { invalid: `provider ${shown(provider)} is not a CQC id` };
  return partyOf(recipient!, protocol) ? { recipient: recipient! } : { invalid: `recipient ${shown(recipient!)} is no council, ADASS network or national oversight` };
}

function refusal(caller: EscalationParty, query: AuditQuery): string | undefined {
  if (caller.kind === 'national') return undefined;
  if ('provider' in query) return 'only national market oversight may list disclosures by provider';
  if (caller.kind === 'council') return query.recipient === caller.id ? undefined : 'a council may list only the disclosures addressed to itself';
  const inRegion = query.recipient === caller.id || councilByGss(query.recipient)?.region === caller.region;
  return inRegion ? undefined : `an ADASS network may list only disclosures to itself and to the councils of ${caller.region}`;
}

export async function listDisclosures(store: DisclosureReader, caller: EscalationParty, query: AuditQuery, protocol: Protocol): Promise<AuditOutcome> {
  const reason = refusal(caller, query);
  if (reason) return { outcome: 'forbidden', reason };
  const trail = 'provider' in query ? await store.disclosuresForSubject(query.provider) : await store.disclosuresForRecipient(query.recipient);
  const adassTiers: readonly string[] = protocol.audit.adassNetworkTiers;
  const disclosures = caller.kind === 'adass-network' ? trail.filter((d) => adassTiers.includes(d.tier)) : [...trail];
  return {
    outcome: 'listed',
    query,
    disclosures: disclosures.sort((a, b) => a.disclosedOn.localeCompare(b.disclosedOn) || a.idempotencyKey.localeCompare(b.idempotencyKey)),
  };
}
