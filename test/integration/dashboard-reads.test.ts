// The dashboard's own read on DynamoDB Local: a subject's assessments over time, oldest first, under one
// model version, and nothing of another subject or of the items beside them in its partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { DynamoDashboardReads } from '../../shared/adapters/dynamodb/dashboard-reads.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { assessment, location } from '../support/fixtures.js';
import { type LocalAws, startLocalAws } from '../support/local-aws.js';

describe('dashboard reads on DynamoDB Local', () => {
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws();
  });

  afterAll(async () => {
    await aws?.stop();
  });

  it('reads a subject\'s assessments oldest first, of one model version only', async () => {
    // Prepare: three dates of one location under model-a, one under model-b, a neighbour, and its profile
    const stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
    const subject = { type: 'location' as const, id: '1-100000001' };
    const at = (asOf: string, band: 'Green' | 'Amber' | 'Red', modelVersion = 'model-a') => assessment({ subject, asOf, band, modelVersion });
    await stores.putReference({ locations: [location({ locationId: subject.id })], providers: [], groups: [] });
    await stores.putAssessments([
      at('2025-10-01', 'Red'),
      at('2025-08-01', 'Green'),
      at('2025-09-01', 'Amber'),
      at('2025-09-15', 'Green', 'model-b'),
      assessment({ subject: { type: 'location', id: '1-100000002' }, asOf: '2025-09-01', modelVersion: 'model-a' }),
    ]);
    const reads = new DynamoDashboardReads(aws.dynamo, LOCAL_RESOURCE_NAMES.table);

    // Act
    const history = await reads.assessmentHistory(subject, 'model-a');

    // Assess: exactly the stored assessments, keys stripped
    expect(history.map((a) => [a.asOf, a.band])).toEqual([
      ['2025-08-01', 'Green'],
      ['2025-09-01', 'Amber'],
      ['2025-10-01', 'Red'],
    ]);
    expect(history[2]).toEqual(at('2025-10-01', 'Red'));
    expect(await reads.assessmentHistory({ type: 'location', id: '1-999999999' }, 'model-a')).toEqual([]);
  });
});
