// Acknowledging an escalation: a party says it has received the latest message about an episode addressed
// to it, which stops the reminder at that tier. One use case for the HTTP API and the command line; the
// HTTP translation (claims, status codes) sits beside it so it is tested without AWS.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { type Acknowledgement } from '../../shared/domain/episode.js';
import { decideAcknowledgement } from '../../shared/domain/escalation.js';
import type { IsoDate } from '../../shared/domain/model.js';
import { PartyRole, type Tier } from '../../shared/domain/protocol.js';
import type { AcknowledgementStore } from '../../shared/ports/escalations.js';

export interface AcknowledgePorts {
  acknowledgements: AcknowledgementStore;
}

export interface AcknowledgeRequest {
  episodeId: string;
  /** The acknowledging party: a council's GSS code, an ADASS network id, or the national oversight id. */
  party: string;
  role: PartyRole;
  /** Who acknowledged: kept with the acknowledgement, never sent. */
  by: string;
  on: IsoDate;
}

/** `not-found` also when no message of the episode was addressed to the party. */
export type AcknowledgeResult =
  | { outcome: 'acknowledged'; acknowledgement: Acknowledgement }
  | { outcome: 'not-found' }
  | { outcome: 'already-acknowledged'; tier: Tier }
  | { outcome: 'stood-down' };

export async function acknowledge(ports: AcknowledgePorts, request: AcknowledgeRequest): Promise<AcknowledgeResult> {
  const episode = await ports.acknowledgements.episode(request.episodeId);
  const decision = episode && decideAcknowledgement(episode, request);
  // One answer for both, so that a party cannot learn which episode ids exist about subjects it was not told of.
  if (!decision || decision.outcome === 'not-addressed') return { outcome: 'not-found' };
  if (decision.outcome !== 'acknowledged') return decision;
  // The store's conditions settle a race with another acknowledgement or a stand-down made since the read.
  switch (await ports.acknowledgements.acknowledge(decision.acknowledgement)) {
    case 'recorded':
      return decision;
    case 'already-acknowledged':
      return { outcome: 'already-acknowledged', tier: decision.acknowledgement.tier };
    case 'episode-closed':
      return { outcome: 'stood-down' };
  }
}

/** Episode ids are `<subject type>-<CQC id or group id>-<date opened>`. */
const EPISODE_ID = /^(location|provider|group)-\S+-\d{4}-\d{2}-\d{2}$/;

/** The part of an API Gateway HTTP API (payload 2.0) event with a JWT authorizer that this route reads. */
export const AcknowledgeHttpEvent = z.object({
  pathParameters: z.object({ episodeId: z.string().check(z.regex(EPISODE_ID, 'an episode id such as provider-1-101641418-2025-10-15')) }),
  requestContext: z.object({
    timeEpoch: z.number(),
    authorizer: z.object({ jwt: z.object({ claims: z.record(z.string(), z.unknown()) }) }),
  }),
});

const STATUS: Record<AcknowledgeResult['outcome'], number> = {
  acknowledged: 200,
  'not-found': 404,
  'already-acknowledged': 409,
  'stood-down': 409,
};

const MESSAGE: Record<Exclude<AcknowledgeResult['outcome'], 'acknowledged'>, string> = {
  'not-found': 'no episode with this id was addressed to your party',
  'already-acknowledged': 'your party has already acknowledged this episode at its latest tier',
  'stood-down': 'the episode has stood down: there is nothing to acknowledge',
};

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** POST /episodes/{episodeId}/acknowledgements: 200, 400, 403, 404 or 409, each with a JSON body. */
export async function acknowledgeHttp(ports: AcknowledgePorts, event: unknown): Promise<APIGatewayProxyStructuredResultV2> {
  const parsed = AcknowledgeHttpEvent.safeParse(event);
  if (!parsed.success) return json(400, { message: parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ') });
  const { pathParameters, requestContext } = parsed.data;
  const claims = requestContext.authorizer.jwt.claims;
  const role = PartyRole.safeParse(claims['custom:role']);
  const party = claims['custom:party'];
  const by = claims.sub;
  if (!role.success || !nonEmpty(party) || !nonEmpty(by)) return json(403, { message: 'the token names no party of the protocol with its role' });
  const result = await acknowledge(ports, {
    episodeId: pathParameters.episodeId,
    party,
    role: role.data,
    by,
    on: new Date(requestContext.timeEpoch).toISOString().slice(0, 10),
  });
  if (result.outcome !== 'acknowledged') return json(STATUS[result.outcome], { outcome: result.outcome, message: MESSAGE[result.outcome], ...('tier' in result ? { tier: result.tier } : {}) });
  const { episodeId, tier, recipientId, on } = result.acknowledgement;
  return json(200, { outcome: result.outcome, episodeId, tier, party: recipientId, on });
}
