// The DynamoDB adapters on DynamoDB Local: signals are stored once by source + natural id (the first
// received date stands). The escalation store has its own file, escalation-store.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import type { Signal } from '../../shared/domain/model.js';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { assessment } from '../support/fixtures.js';
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

  it('counts exactly when ingests of the same signals race, and stores each once', async () => {
    // Prepare: ten writers at once, each with the same 120 concerns about another location (one packed item)
    const subject = { type: 'location', id: '1-000000002' } as const;
    const signals = Array.from({ length: 120 }, (_, i) => ({ ...concern(`E10000014#race-${i}`, '2025-09-03'), subject }));

    // Act
    const counts = await Promise.all(Array.from({ length: 10 }, () => stores.putSignals(signals)));

    // Assess
    expect(counts.reduce((sum, c) => sum + c.stored, 0)).toBe(120);
    expect(counts.reduce((sum, c) => sum + c.alreadyPresent, 0)).toBe(9 * 120);
    expect(await stores.signalsFor(subject)).toHaveLength(120);
  });

  it('keeps a series in one item per subject and year, and gives back each signal as it went in', async () => {
    // Prepare: two years of monthly returns for one home
    const subject = { type: 'location', id: '1-000000003' } as const;
    const months = Array.from({ length: 24 }, (_, i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
    const returns: Signal[] = months.map((period, i) => ({
      source: 'capacity-tracker',
      naturalId: `${subject.id}#${period}`,
      subject,
      describedOn: `${period}-10`,
      receivedOn: `${period}-14`,
      facts: { kind: 'capacity-return', period, maxCapacity: 40, usedBeds: 30 + (i % 5), declaredVacancies: 3, acceptingAdmissions: i % 2 === 0 ? true : null, staffAbsencePct: null, agencyHoursPct: 4.5 },
    }));

    // Act
    const write = await stores.putSignals(returns);
    const items = await aws.dynamo.send(
      new QueryCommand({ TableName: LOCAL_RESOURCE_NAMES.table, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: marshall({ ':pk': `LOCATION#${subject.id}`, ':sk': 'SIGNAL#' }) }),
    );

    // Assess
    expect(write).toEqual({ stored: 24, alreadyPresent: 0 });
    expect(items.Items?.map((item) => item.SK?.S)).toEqual(['SIGNAL#2024', 'SIGNAL#2025']);
    expect(await stores.signalsFor(subject)).toEqual(returns);
  });

  it("finds a subject's latest assessment of one model version on or before a date, past pages of newer ones of another", async () => {
    // Prepare: ten days under one model version, then ten under the next, for one home
    const subject = { type: 'location', id: '1-000000004' } as const;
    const day = (d: number) => `2025-01-${String(d).padStart(2, '0')}`;
    await stores.putAssessments(Array.from({ length: 20 }, (_, i) => assessment({ subject, asOf: day(i + 1), modelVersion: i < 10 ? 'model-a' : 'model-b' })));

    // Act
    const [olderVersion, onADate, newerVersion, beforeAny] = await Promise.all([
      stores.latestAssessment(subject, '2025-01-31', 'model-a'),
      stores.latestAssessment(subject, day(5), 'model-a'),
      stores.latestAssessment(subject, '2025-01-31', 'model-b'),
      stores.latestAssessment(subject, day(10), 'model-b'),
    ]);

    // Assess
    expect(olderVersion?.asOf).toBe(day(10));
    expect(onADate?.asOf).toBe(day(5));
    expect(newerVersion).toMatchObject({ asOf: day(20), modelVersion: 'model-b' });
    expect(beforeAny).toBeUndefined();
  });
});
