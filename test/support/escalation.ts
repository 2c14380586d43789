// Helpers for the escalation tests: deciding with defaults, finding a recipient's message, acknowledging in
// memory as the store would, and protocols varied from the default (validated, as configuration would be).
import { type Acknowledgement, type Episode } from '../../shared/domain/episode.js';
import { decideAcknowledgement, decideEscalation, type EscalationDecision } from '../../shared/domain/escalation.js';
import { type EscalationMessage } from '../../shared/domain/escalation-message.js';
import { type MarketContext } from '../../shared/domain/market-context.js';
import type { IsoDate, RiskAssessment } from '../../shared/domain/model.js';
import { type PartyRole, Protocol, protocolVersion } from '../../shared/domain/protocol.js';
import { marketContext } from './fixtures.js';

/**
 * Version 1 of the protocol, whose likelihood thresholds most escalation tests are written against; the
 * default (version 2, on bands) has its own tests.
 */
export const PROTOCOL_1 = protocolVersion('protocol-1');

/** Decides and fails the test when nothing is decided. */
export function mustDecide(a: RiskAssessment, current?: Episode, market: MarketContext = marketContext(), protocol: Protocol = PROTOCOL_1): EscalationDecision {
  const decision = decideEscalation(a, current, market, protocol);
  if (!decision) throw new Error(`expected a decision on ${a.subject.type} ${a.subject.id} as of ${a.asOf}`);
  return decision;
}

/** Feeds assessments in order, carrying the episode along; returns every decision (null where none). */
export function feed(assessments: readonly RiskAssessment[], start?: Episode, market: MarketContext = marketContext(), protocol: Protocol = PROTOCOL_1) {
  let episode = start;
  return assessments.map((a) => {
    const decision = decideEscalation(a, episode, market, protocol);
    episode = decision?.episode ?? episode;
    return decision;
  });
}

export const recipientIds = (messages: readonly EscalationMessage[]) => messages.map((m) => m.recipient.id);

export function messageFor(messages: readonly EscalationMessage[], recipientId: string): EscalationMessage {
  const message = messages.find((m) => m.recipient.id === recipientId);
  if (!message) throw new Error(`no message for ${recipientId}`);
  return message;
}

/** The episode as the store would return it after the party acknowledged. */
export function acknowledgedBy(episode: Episode, party: string, role: PartyRole, on: IsoDate): Episode {
  const decision = decideAcknowledgement(episode, { party, role, by: 'user-1', on });
  if (decision.outcome !== 'acknowledged') throw new Error(`${party} could not acknowledge: ${decision.outcome}`);
  const acknowledgements: Acknowledgement[] = [...episode.acknowledgements, decision.acknowledgement];
  return { ...episode, acknowledgements };
}

/** The default protocol with one change, validated as a configuration file would be. */
export function protocolWith(change: (draft: Protocol) => void): Protocol {
  const draft = structuredClone(PROTOCOL_1);
  change(draft);
  return Protocol.parse(draft);
}

/** POST /episodes/{episodeId}/acknowledgements as API Gateway (HTTP API, payload 2.0, JWT authorizer) sends it. */
