// The acknowledgement route without AWS: what a malformed request or a token naming no party gets, that an
// unknown episode and one not addressed to the caller get the same answer, and how a race lost in the store
// is answered. test/integration/escalation-episodes.test.ts runs it on DynamoDB Local.
import { describe, expect, it } from 'vitest';
import { acknowledgeHttp } from '../../functions/acknowledge/acknowledge.js';
import type { Acknowledgement, Episode } from '../../shared/domain/episode.js';
import type { AcknowledgementStore } from '../../shared/ports/escalations.js';
import { acknowledgementRequest } from '../../cli/local/invoke.js';
import { mustDecide } from '../support/escalation.js';
import { assessment, LEEDS, MANCHESTER, PROVIDER_ID } from '../support/fixtures.js';

const EPISODE_ID = `provider-${PROVIDER_ID}-2025-10-15`;
const LEEDS_COMMISSIONER = { sub: 'user-1', 'custom:role': 'council-commissioner', 'custom:party': LEEDS };
/** A council the episode (about a provider in Leeds) was not addressed to. */
const MANCHESTER_COMMISSIONER = { sub: 'user-2', 'custom:role': 'council-commissioner', 'custom:party': MANCHESTER };

/** A store holding one episode, open unless changed, whose acknowledge write answers as given. */
function storeAnswering(answer: Awaited<ReturnType<AcknowledgementStore['acknowledge']>>, change: Partial<Episode> = {}) {
  const episode: Episode = { ...mustDecide(assessment()).episode, ...change };
  const written: Acknowledgement[] = [];
  const store: AcknowledgementStore = {
    episode: async (id) => (id === episode.episodeId ? episode : undefined),
    acknowledge: async (acknowledgement) => {
      written.push(acknowledgement);
      return answer;
    },
  };
  return { ports: { acknowledgements: store }, written };
}

const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '{}') as Record<string, unknown>;

describe('acknowledgeHttp', () => {
  it('answers 200 with what was recorded, dated the day of the request, and keeps the caller out of the answer', async () => {
    // Prepare
    const { ports, written } = storeAnswering('recorded');

    // Act
    const response = await acknowledgeHttp(ports, acknowledgementRequest(EPISODE_ID, LEEDS_COMMISSIONER, '2025-10-17'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ outcome: 'acknowledged', episodeId: EPISODE_ID, tier: 'local', party: LEEDS, on: '2025-10-17' });
    expect(written).toEqual([{ episodeId: EPISODE_ID, tier: 'local', recipientId: LEEDS, role: 'council-commissioner', by: 'user-1', on: '2025-10-17' }]);
  });

  it.each([
    ['an episode id of the wrong shape', acknowledgementRequest('not-an-episode', LEEDS_COMMISSIONER, '2025-10-16')],
    ['no path parameters', { ...acknowledgementRequest(EPISODE_ID, LEEDS_COMMISSIONER, '2025-10-16'), pathParameters: undefined }],
    ['no request context', { pathParameters: { episodeId: EPISODE_ID } }],
  ])('answers 400 to a request with %s, writing nothing', async (_, event) => {
    // Prepare
    const { ports, written } = storeAnswering('recorded');

    // Act
    const response = await acknowledgeHttp(ports, event);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).message).toEqual(expect.any(String));
    expect(written).toEqual([]);
  });

  it.each([
    ['no role', { sub: 'user-1', 'custom:party': LEEDS }],
    ['a role outside the protocol', { ...LEEDS_COMMISSIONER, 'custom:role': 'provider' }],
    ['no party', { sub: 'user-1', 'custom:role': 'council-commissioner' }],
    ['no subject', { 'custom:role': 'council-commissioner', 'custom:party': LEEDS }],
  ])('answers 403 to a token with %s, writing nothing', async (_, claims) => {
    // Prepare
    const { ports, written } = storeAnswering('recorded');

    // Act
    const response = await acknowledgeHttp(ports, acknowledgementRequest(EPISODE_ID, claims, '2025-10-16'));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(written).toEqual([]);
  });

  it('answers an unknown episode and one not addressed to the caller alike, open or stood down, writing nothing', async () => {
    // Prepare
    const open = storeAnswering('recorded');
    const stoodDown = storeAnswering('recorded', { status: 'stood-down' });

    // Act
    const unknown = await acknowledgeHttp(open.ports, acknowledgementRequest('provider-1-900000098-2025-10-15', LEEDS_COMMISSIONER, '2025-10-16'));
    const notAddressed = await acknowledgeHttp(open.ports, acknowledgementRequest(EPISODE_ID, MANCHESTER_COMMISSIONER, '2025-10-16'));
    const stoodDownNotAddressed = await acknowledgeHttp(stoodDown.ports, acknowledgementRequest(EPISODE_ID, MANCHESTER_COMMISSIONER, '2025-10-16'));
    const stoodDownAddressed = await acknowledgeHttp(stoodDown.ports, acknowledgementRequest(EPISODE_ID, LEEDS_COMMISSIONER, '2025-10-16'));

    // Assess
    expect(unknown.statusCode).toBe(404);
    expect(notAddressed).toStrictEqual(unknown);
    expect(stoodDownNotAddressed).toStrictEqual(unknown);
    expect(stoodDownAddressed.statusCode).toBe(409);
    expect([...open.written, ...stoodDown.written]).toEqual([]);
  });

  it.each([
    ['already-acknowledged', 'already-acknowledged'],
    ['episode-closed', 'stood-down'],
  ] as const)('answers 409 when the store refuses the write as %s (a race since the read)', async (answer, outcome) => {
    // Prepare
    const { ports } = storeAnswering(answer);

    // Act
    const response = await acknowledgeHttp(ports, acknowledgementRequest(EPISODE_ID, LEEDS_COMMISSIONER, '2025-10-16'));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).outcome).toBe(outcome);
  });
});
