// The ingest Lambda on DynamoDB Local and fauxqs S3: a CSV with broken rows stores the good rows and
// quarantines every bad one with its row, field and reason; landing the same file again stores nothing new.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { ingestLambdaOn, type IngestRun, type LocalAws, startLocalAws } from '../support/local-aws.js';

const FIXTURE = new URL('../fixtures/cqc-register-broken.csv', import.meta.url);
const KEY = 'cqc-register/2025-09-01/broken.csv';


describe('ingest handler on real engines', () => {
  let aws: LocalAws;
  let land: (key: string, body: string | Uint8Array, landedOn: string) => Promise<IngestRun>;
  let stores: DynamoStores;
  let fixture: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    ({ land, stores } = await ingestLambdaOn(aws));
    fixture = await readFile(FIXTURE, 'utf8');
  });

  afterAll(async () => {
    await aws?.stop();
  });

  const ingestFixture = () => land(KEY, fixture, '2025-09-01');

  it('stores the good rows and quarantines every bad row with its row, field and reason', async () => {
    // Prepare
    const dataRows = (await readFile(FIXTURE, 'utf8')).trim().split(/\r?\n/).length - 1;

    // Act
    const result = await ingestFixture();

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const locations = await stores.listLocations();
    const quarantine = await stores.listQuarantine();
    expect(locations.length).toBeGreaterThan(0);
    expect(quarantine.length).toBeGreaterThan(0);
    expect(locations.length + quarantine.length).toBe(dataRows);
    for (const record of quarantine) {
      expect(record.origin).toBe(KEY);
      expect(record.row).toBeGreaterThan(1);
      expect(record.reason.length).toBeGreaterThan(5);
    }
    const fields = new Set(quarantine.map((q) => q.field));
    expect(fields).toContain('Location Local Authority');
    expect(fields).toContain('Care homes beds');
    expect(fields).toContain('Location ID');
    const signals = await stores.signalsFor({ type: 'location', id: locations[0]!.locationId });
    expect(signals.map((s) => s.facts.kind).sort()).toEqual(['rating', 'registration']);
    expect(signals[0]!.receivedOn).toBe('2025-09-01');
  });

  it('stores nothing new when the same file lands again', async () => {
    // Prepare
    const before = { locations: (await stores.listLocations()).length, quarantine: (await stores.listQuarantine()).length };

    // Act
    const again = await ingestFixture();

    // Assess
    const report = again.reports[0]!;
    expect(report.signalsStored).toBe(0);
    expect(report.signalsAlreadyPresent).toBe(2 * before.locations);
    expect((await stores.listLocations()).length).toBe(before.locations);
    expect((await stores.listQuarantine()).length).toBe(before.quarantine);
  });

  it('quarantines a file whose key names no known source instead of dropping it', async () => {
    // Prepare
    const key = 'unknown-feed/2025-09-01/x.csv';

    // Act
    const result = await land(key, 'a,b\n1,2\n', '2025-09-01');

    // Assess
    expect(result.reports[0]!.quarantined).toBe(1);
    const record = (await stores.listQuarantine()).find((q) => q.origin === key);
    expect(record?.reason).toMatch(/unknown source "unknown-feed"/);
  });
});
