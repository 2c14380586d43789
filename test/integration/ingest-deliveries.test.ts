// The ingest Lambda on DynamoDB Local and fauxqs S3 with dated delivery keys: files are recognised by their
// content, and a signal about a location or company the registry does not know is quarantined at ingest with
// its file, row and field, while the good records beside it are stored.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { ingestLambdaOn, type IngestRun, type LocalAws, startLocalAws } from '../support/local-aws.js';

const REGISTER = new URL('../../data/cqc/locations-sample.csv', import.meta.url);
const REGISTER_KEY = '2025-09-01/cqc/register.csv';
const UNKNOWN_LOCATION = '1-999999999';
const UNKNOWN_COMPANY = '99999999';


const profileOf = (companyNumber: string): string =>
  JSON.stringify({ company_number: companyNumber, company_name: 'EXAMPLE LIMITED', company_status: 'active', has_charges: true }, null, 2);

describe('ingest of dated deliveries on real engines', () => {
  let aws: LocalAws;
  let landFile: (key: string, body: string | Uint8Array, landedOn: string) => Promise<IngestRun>;
  let stores: DynamoStores;
  let careHome: string;
  let company: { number: string; providerIds: string[] };

  /** Lands one file under its key, as received on its date folder, and runs the ingest Lambda on it. */
  const land = (key: string, body: string | Uint8Array): Promise<IngestRun> => landFile(key, body, key.slice(0, 10));
  const quarantineOf = async (key: string) => (await stores.listQuarantine()).filter((record) => record.origin === key);

  beforeAll(async () => {
    aws = await startLocalAws();
    ({ land: landFile, stores } = await ingestLambdaOn(aws));
    const register = await readFile(REGISTER, 'utf8');
    const { locations, providers } = parseCqcRegister(register, { origin: REGISTER_KEY, receivedOn: '2025-09-01', snapshotOn: '2025-09-01' });
    careHome = locations.find((location) => location.beds > 0)!.locationId;
    const number = providers.find((provider) => provider.companyNumber !== null)!.companyNumber!;
    company = { number, providerIds: providers.filter((provider) => provider.companyNumber === number).map((provider) => provider.providerId) };
    await land(REGISTER_KEY, register);
  }, 120_000);

  afterAll(async () => {
    await aws?.stop();
  });

  it('stores a Capacity Tracker row about a registered home and quarantines the row about an unknown cqcid', async () => {
    // Prepare
    const key = '2025-10-15/capacity-tracker.csv';
    const text = [
      'cqcid,maxcapacity,usedbeds,declaredvacancies,lastupdatedutc',
      `${UNKNOWN_LOCATION},40,35,3,2025-10-09T10:42:00Z`,
      `${careHome},40,35,3,2025-10-09T10:42:00Z`,
    ].join('\n');

    // Act
    const result = await land(key, text);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.reports).toMatchObject([{ source: 'capacity-tracker', signalsStored: 1, quarantined: 1 }]);
    const stored = await stores.signalsFor({ type: 'location', id: careHome });
    expect(stored.filter((signal) => signal.source === 'capacity-tracker').map((signal) => [signal.naturalId, signal.receivedOn])).toEqual([
      [`${careHome}#2025-10`, '2025-10-15'],
    ]);
    expect(await stores.signalsFor({ type: 'location', id: UNKNOWN_LOCATION })).toEqual([]);
    expect(await quarantineOf(key)).toEqual([
      {
        source: 'capacity-tracker',
        origin: key,
        row: 2,
        recordId: `${UNKNOWN_LOCATION}#2025-10`,
        field: 'cqcid',
        reason: `unknown location ${UNKNOWN_LOCATION}: not in any register or CQC API file received so far`,
      },
    ]);
  });

  it("stores a Companies House profile as signals for the register's providers of that company", async () => {
    // Prepare
    const key = `2025-10-15/companies-house/${company.number}.json`;

    // Act
    const result = await land(key, profileOf(company.number));

    // Assess
    expect(result.reports).toMatchObject([{ source: 'companies-house', signalsStored: company.providerIds.length, quarantined: 0 }]);
    for (const providerId of company.providerIds) {
      const signals = await stores.signalsFor({ type: 'provider', id: providerId });
      expect(signals.map((signal) => [signal.naturalId, signal.facts.kind])).toContainEqual([`${company.number}#2025-10-15`, 'financial-indicator']);
    }
  });

  it('quarantines a Companies House profile of a company no registered provider has, naming the field', async () => {
    // Prepare
    const key = `2025-10-15/companies-house/${UNKNOWN_COMPANY}.json`;

    // Act
    const result = await land(key, profileOf(UNKNOWN_COMPANY));

    // Assess
    expect(result.reports).toMatchObject([{ source: 'companies-house', signalsStored: 0, quarantined: 1 }]);
    expect(await quarantineOf(key)).toMatchObject([{ source: 'companies-house', row: 1, field: 'company_number', reason: expect.stringContaining(UNKNOWN_COMPANY) }]);
  });

  it('quarantines a delivered file of no known format whole, saying why', async () => {
    // Prepare
    const key = '2025-10-15/capacity-tracker/notes.csv';

    // Act
    const result = await land(key, 'note,author\nsee attached,PII-MARKER Example\n');

    // Assess
    expect(result.reports).toMatchObject([{ source: 'unknown', signalsStored: 0, quarantined: 1 }]);
    expect(await quarantineOf(key)).toMatchObject([{ source: 'unknown', row: 0, reason: expect.stringMatching(/^unrecognised file: its CSV header/) }]);
  });

  it('reads a Windows-1252 file as Windows-1252, and quarantines a file of bytes that are no text whole', async () => {
    // Prepare: a commissioner's return saved by a spreadsheet in Windows-1252 (0xE9 is é, 0xA3 is £)
    const legacy = Buffer.from(['location_id,council_gss,action,date,note', `${careHome},E08000035,placement-embargo,2025-10-01,Caf\xe9 fees \xa31000 owed`].join('\n'), 'latin1');
    const junk = new Uint8Array([0x00, 0xff, 0xfe, 0x01, 0x02, 0x81, 0x00]);

    // Act
    const read = await land('2025-10-16/commissioner-actions.csv', legacy);
    const refused = await land('2025-10-16/upload.bin', junk);

    // Assess
    expect(read.reports).toMatchObject([{ source: 'commissioner-actions', signalsStored: 1, quarantined: 0 }]);
    expect(refused.reports).toMatchObject([{ quarantined: 1, signalsStored: 0 }]);
    const [reason] = (await quarantineOf('2025-10-16/upload.bin')).map((record) => record.reason);
    expect(reason).toBe('the file is not text: a NUL byte at offset 0 (binary, or UTF-16)');
  });
});
