// Escalation delivery on DynamoDB Local and fauxqs, with a subscriber queue for every party of the protocol
// under the filter policies the stack uses. A hand-built market of three Red providers is decided, the
// publisher Lambda drains the outbox, and every queue is read and compared with a hand-written table of
// who must be told what. Faults at each step, at national scale, are in test/slow/escalation-national-faults.test.ts.
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import pMap from 'p-map';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { invoke } from '../../cli/local/invoke.js';
import { provisionTable, type SubscriberQueue } from '../../cli/local/provision.js';
import { type DeliveredMessage, drainQueue, sqsBody } from '../../cli/local/queues.js';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { decideAll, type EscalatePorts } from '../../functions/escalate/escalate.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { emailText } from '../../shared/adapters/sns/notifier.js';
import type { EscalationMessage } from '../../shared/domain/escalation-message.js';
import type { AdassRegion, Location, RiskAssessment } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL, partyIds } from '../../shared/domain/protocol.js';
import { parsePlacements } from '../../shared/sources/placements.js';
import { assessment, BRADFORD, CAMDEN, LEEDS, location, MANCHESTER, provider } from '../support/fixtures.js';
import { escalatePortsOn, type LocalAws, startLocalAws } from '../support/local-aws.js';

const AS_OF = '2025-10-15';
const SALFORD = 'E08000006';
const KENT = 'E10000016';
const NATIONAL = DEFAULT_PROTOCOL.parties.nationalOversight.id;

/** A single-council provider (Leeds), with Bradford placing residents at its home. */
const ONE_COUNCIL = '1-900000101';
/** A provider in two North West councils: regional. */
const TWO_COUNCILS = '1-900000201';
/** A provider in London and the South East, with Manchester placing residents at its Kent home: national. */
const TWO_REGIONS = '1-900000301';

type Expected = [subjectId: string, recipientKind: string, tier: string];

/** Who must receive what; every other party's queue must stay empty. */
const EXPECTED: Record<string, Expected[]> = {
  [LEEDS]: [[ONE_COUNCIL, 'host-council', 'local']],
  [BRADFORD]: [[ONE_COUNCIL, 'placing-council', 'local']],
  [MANCHESTER]: [
    [TWO_COUNCILS, 'host-council', 'regional'],
    [TWO_REGIONS, 'placing-council', 'national'],
  ],
  [SALFORD]: [[TWO_COUNCILS, 'host-council', 'regional']],
  'adass-north-west': [[TWO_COUNCILS, 'adass-network', 'regional']],
  [CAMDEN]: [[TWO_REGIONS, 'host-council', 'national']],
  [KENT]: [[TWO_REGIONS, 'host-council', 'national']],
  'adass-greater-london': [[TWO_REGIONS, 'adass-network', 'national']],
  'adass-south-east': [[TWO_REGIONS, 'adass-network', 'national']],
  [NATIONAL]: [[TWO_REGIONS, 'national', 'national']],
};

const home = (locationId: string, providerId: string, councilGss: string, region: AdassRegion): Location =>
  location({ locationId, providerId, councilGss, region, name: `Home ${locationId}` });

const LOCATIONS = [
  home('1-100000101', ONE_COUNCIL, LEEDS, 'Yorkshire and Humber'),
  home('1-100000201', TWO_COUNCILS, MANCHESTER, 'North West'),
  home('1-100000202', TWO_COUNCILS, SALFORD, 'North West'),
  home('1-100000301', TWO_REGIONS, CAMDEN, 'Greater London'),
  home('1-100000302', TWO_REGIONS, KENT, 'South East'),
];

/** A council's placement extract, with residents' names and dates of birth the parser must drop. */
const PLACEMENTS_CSV = [
  'council_gss,location_id,residents_placed,resident_name,resident_date_of_birth',
  `${BRADFORD},1-100000101,2,${PERSONAL_DATA_MARKER} Jane Example,${PERSONAL_DATA_MARKER} 1941-03-02`,
  `${LEEDS},1-100000101,9,${PERSONAL_DATA_MARKER} Joan Example,${PERSONAL_DATA_MARKER} 1939-06-11`,
  `${MANCHESTER},1-100000302,1,${PERSONAL_DATA_MARKER} John Example,${PERSONAL_DATA_MARKER} 1938-01-09`,
].join('\n');

const redProvider = (providerId: string, name: string, councils: string[], regions: AdassRegion[]): RiskAssessment =>
  assessment({
    subject: { type: 'provider', id: providerId },
    name,
    likelihood: 82,
    impact: 'Medium',
    councils,
    regions,
    beds: 40 * councils.length,
    sharedAcrossCouncils: councils.length > 1,
    factors: [
      { family: 'financial', indicator: 'Credit score in warning area (12)', points: 100, evidence: [{ source: 'companies-house', date: '2025-09-15', value: '12' }] },
      { family: 'quality', indicator: 'Overall rating Requires improvement', points: 60, evidence: [{ source: 'cqc-api', date: '2025-08-01', value: 'Requires improvement' }] },
    ],
  });

const ASSESSMENTS = [
  redProvider(ONE_COUNCIL, 'One Council Care Ltd', [LEEDS], ['Yorkshire and Humber']),
  redProvider(TWO_COUNCILS, 'Two Councils Care Ltd', [MANCHESTER, SALFORD], ['North West']),
  redProvider(TWO_REGIONS, 'Two Regions Care Ltd', [CAMDEN, KENT], ['Greater London', 'South East']),
];

type Handler = (event: never, context: Context) => Promise<unknown>;

const sorted = (rows: readonly Expected[]): Expected[] => [...rows].sort((a, b) => a.join().localeCompare(b.join()));
const summaryOf = (messages: readonly EscalationMessage[]): Expected[] => sorted(messages.map((m) => [m.subject.id, m.recipient.kind, m.tier]));
const expectedFor = (recipientId: string): Expected[] => sorted(EXPECTED[recipientId] ?? []);

describe('escalation delivery on DynamoDB Local and fauxqs', () => {
  let aws: LocalAws;
  let ports: EscalatePorts;
  let publish: Handler;
  let audit: Handler;

  /** Every queue's messages as received, repeats included. */
  const readQueues = async (queues: readonly SubscriberQueue[]): Promise<Map<string, Omit<DeliveredMessage, 'queueRecipient'>[]>> =>
    new Map(await pMap(queues, async (queue) => [queue.recipientId, await drainQueue(aws.sqs, queue)] as const, { concurrency: 8 }));

  /** An empty table holding only the hand-built market: reference data, placements and the day's assessments. */
  async function seedMarket(): Promise<void> {
    await aws.dynamo.send(new DeleteTableCommand({ TableName: LOCAL_RESOURCE_NAMES.table }));
    await provisionTable(aws.dynamo);
    const stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    const { placements, quarantine } = parsePlacements(PLACEMENTS_CSV, { origin: 'placements/2025-10-15/placements.csv', receivedOn: AS_OF, snapshotOn: AS_OF });
    expect(quarantine).toEqual([]);
    await stores.putReference({ locations: LOCATIONS, providers: [ONE_COUNCIL, TWO_COUNCILS, TWO_REGIONS].map((providerId) => provider({ providerId })), groups: [] });
    await stores.putPlacements(placements);
    await stores.putAssessments(ASSESSMENTS);
  }

  beforeAll(async () => {
    aws = await startLocalAws(partyIds(DEFAULT_PROTOCOL));
    ports = escalatePortsOn(aws);
    // Handlers read their configuration when loaded, as in Lambda: load them once the engines are up.
    publish = (await import('../../functions/publish/handler.js')).handler as Handler;
    audit = (await import('../../functions/audit/handler.js')).handler as Handler;
  });

  afterAll(async () => {
    await aws?.stop();
  });

  describe('a run without failures', () => {
    let received: Map<string, Omit<DeliveredMessage, 'queueRecipient'>[]>;
    let publishResponse: unknown;

    beforeAll(async () => {
      await seedMarket();
      expect(await decideAll(ports, AS_OF, DEFAULT_PROTOCOL)).toEqual({ decisions: 3, failures: [] });
      // The table stream's view of the three outbox inserts; the publisher drains whatever is pending.
      const outboxInserts = { Records: ASSESSMENTS.map(() => ({ eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { SK: { S: 'OUTBOX' } } } })) };
      publishResponse = await invoke('publish', publish, outboxInserts as never);
      received = await readQueues(aws.queues);
    });

    it('answers the table stream with no failed records', () => {
      // Assess
      expect(publishResponse).toEqual({ batchItemFailures: [] });
    });

    it('delivers to every queue exactly what the table says it must receive, and nothing else', () => {
      // Act
      const delivered = Object.fromEntries([...received].map(([recipientId, messages]) => [recipientId, summaryOf(messages.map((m) => m.message))]));

      // Assess
      expect(aws.queues).toHaveLength(153 + 9 + 1);
      for (const { recipientId } of aws.queues) expect(delivered[recipientId], recipientId).toEqual(expectedFor(recipientId));
      for (const [recipientId, messages] of received) for (const { message } of messages) expect(message.recipient.id, recipientId).toBe(recipientId);
    });

    it('gives financial evidence only to the recipients entitled to commercially sensitive fields', () => {
      // Prepare
      const messages = [...received.values()].flat().map((d) => d.message);

      // Assess
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) {
        const entitled = DEFAULT_PROTOCOL.disclosure[m.recipient.kind].includes('commercially-sensitive');
        expect(m.evidence.some((f) => f.family === 'financial'), m.idempotencyKey).toBe(entitled);
        expect(m.financialConcernNotice === null, m.idempotencyKey).toBe(entitled);
      }
    });

    it('publishes the JSON message for queues and the plain text for email, with no personal data in either', () => {
      // Prepare
      const raw = [...received.values()].flat();

      // Assess: fauxqs hands raw SQS subscribers the whole per-protocol document (see cli/local/queues.ts)
      for (const { raw: body, message } of raw) {
        const document = JSON.parse(body) as Record<string, string>;
        expect(JSON.parse(sqsBody(body))).toEqual(message);
        expect(document.email).toBe(emailText(message));
        expect(body).not.toContain(PERSONAL_DATA_MARKER);
      }
    });

    it('lists the disclosures each caller may see through the audit Lambda, and refuses the rest', async () => {
      // Prepare
      const call = async (role: string, party: string, query: Record<string, string>) => {
        const event = { queryStringParameters: query, requestContext: { authorizer: { jwt: { claims: { 'custom:role': role, 'custom:party': party }, scopes: [] } } } };
        const response = (await invoke('audit', audit, event as never)) as APIGatewayProxyStructuredResultV2;
        const body = JSON.parse(String(response.body)) as { disclosures?: { recipientId: string; subjectId: string }[] };
        return { status: response.statusCode, recipients: body.disclosures?.map((d) => d.recipientId).sort(), subjects: body.disclosures?.map((d) => d.subjectId).sort() };
      };

      // Act
      const national = await call('national-oversight', NATIONAL, { provider: TWO_REGIONS });
      const manchester = await call('council-commissioner', MANCHESTER, { recipient: MANCHESTER });
      const manchesterAboutSalford = await call('council-commissioner', MANCHESTER, { recipient: SALFORD });
      const northWestAboutSalford = await call('adass-network', 'adass-north-west', { recipient: SALFORD });
      const northWestAboutLeeds = await call('adass-network', 'adass-north-west', { recipient: LEEDS });
      const wrongRole = await call('national-oversight', MANCHESTER, { recipient: MANCHESTER });
      const noQuery = await call('council-commissioner', MANCHESTER, {});

      // Assess
      expect(national).toEqual({ status: 200, recipients: [CAMDEN, MANCHESTER, 'adass-greater-london', 'adass-south-east', KENT, NATIONAL].sort(), subjects: Array(6).fill(TWO_REGIONS) });
      expect(manchester).toEqual({ status: 200, recipients: [MANCHESTER, MANCHESTER], subjects: [TWO_COUNCILS, TWO_REGIONS] });
      expect(manchesterAboutSalford.status).toBe(403);
      expect(northWestAboutSalford).toEqual({ status: 200, recipients: [SALFORD], subjects: [TWO_COUNCILS] });
      expect(northWestAboutLeeds.status).toBe(403);
      expect(wrongRole.status).toBe(403);
      expect(noQuery.status).toBe(400);
    });
  });
});
