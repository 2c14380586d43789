// The DynamoDB adapters on DynamoDB Local: signals are stored once by source + natural id (the first
// received date stands). The escalation store has its own file, escalation-store.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import type { Signal } from '../../shared/domain/model.js';
import { type LocalAws, startLocalAws } from '../support/local-aws.js';

const concern = (naturalId: string, receivedOn: string): Signal => ({
  source: 'safeguarding-return',
  naturalId,
  subject: { type: 'location', id: '1-000000001' },
  describedOn: '2025-09-01',
  receivedOn,
  facts: { kind: 'safeguarding-concern', abuseType: 'neglect-and-acts-of-omission', section42Enquiry: false, reportingCouncilGss: 'E10000014' },
});

describe('DynamoDB adapters on DynamoDB Local', () => {
  let aws: LocalAws;
  let stores: DynamoStores;

  beforeAll(async () => {
    aws = await startLocalAws();
    stores = new DynamoStores(aws.dynamo, LOCAL_RESOURCE_NAMES.table);
  });

  afterAll(async () => {
    await aws?.stop();
  });

  it('stores each signal once, keeps the first received date, and counts repeats within one call', async () => {
    // Prepare
    const first = Array.from({ length: 250 }, (_, i) => concern(`E10000014#${i}`, '2025-09-02'));
    const resent = [...first.map((s) => ({ ...s, receivedOn: '2025-10-01' })), concern('E10000014#new', '2025-10-01'), concern('E10000014#new', '2025-10-01')];

    // Act
    const firstWrite = await stores.putSignals(first);
    const secondWrite = await stores.putSignals(resent);

    // Assess
    expect(firstWrite).toEqual({ stored: 250, alreadyPresent: 0 });
    expect(secondWrite).toEqual({ stored: 1, alreadyPresent: 251 });
    const stored = await stores.signalsFor({ type: 'location', id: '1-000000001' });
    expect(stored).toHaveLength(251);
    expect(stored.find((s) => s.naturalId === 'E10000014#0')?.receivedOn).toBe('2025-09-02');
  });
});
