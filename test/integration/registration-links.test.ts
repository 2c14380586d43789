// Links between registrations on DynamoDB Local: a register extract in which a home was deregistered and a new
// one registered the next day at its UPRN stores the link once, under both homes; landing the extract again
// stores nothing new.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import type { RegistrationLink } from '../../shared/domain/model.js';
import { ingestLambdaOn, type IngestRun, type LocalAws, startLocalAws } from '../support/local-aws.js';

const SAMPLE = new URL('../../data/cqc/locations-sample.csv', import.meta.url);
const KEY = 'cqc-register/2025-09-15/register.csv';
/** 1 & 2 Flax Cottages, here deregistered on 14 April 2025 ... */
const CLOSED = '1-752918925';
/** ... and 1 High Street, registered on 15 April 2025 by another provider, here at the cottages' UPRN. */
const SUCCESSOR = '1-22345968773';
/** A home with nothing to do with either. */
const BYSTANDER = '1-9649169095';

/** The sample's header and three of its homes, edited so that one took over from another. */
async function registerWithSuccession(): Promise<string> {
  const [header = [], ...rows] = parse(await readFile(SAMPLE, 'utf8'), { bom: true }) as string[][];
  const column = (name: string) => header.indexOf(name);
  const row = (id: string) => rows.find((cells) => cells[column('Location ID')] === id)!;
  const closed = row(CLOSED).with(column('Location HSCA end date'), '2025-04-14');
  const successor = row(SUCCESSOR).with(column('Location UPRN'), closed[column('Location UPRN')]!);
  return stringify([header, closed, successor, row(BYSTANDER)]);
}

describe('registration links on real engines', () => {
  let aws: LocalAws;
  let land: (key: string, body: string | Uint8Array, landedOn: string) => Promise<IngestRun>;
  let stores: DynamoStores;
  let register: string;

  beforeAll(async () => {
    aws = await startLocalAws();
    ({ land, stores } = await ingestLambdaOn(aws));
    register = await registerWithSuccession();
  });

  afterAll(async () => {
    await aws?.stop();
  });

  const ingestRegister = () => land(KEY, register, '2025-09-15');

  it('links the deregistered home to the home registered at its UPRN, once, under both', async () => {
    // Prepare
    const expected: RegistrationLink = {
      predecessorId: CLOSED,
      successorId: SUCCESSOR,
      linkedOn: '2025-04-14',
      kind: 'ownership-change',
      reason: 'Same UPRN 10032939742, registered 1 day after deregistration (heuristic)',
      evidence: 'same-uprn',
      confidence: 0.9,
      source: 'cqc-register',
      origin: KEY,
      receivedOn: '2025-09-15',
    };

    // Act
    const result = await ingestRegister();

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.reports.map((r) => [r.referenceRecords > 0, r.linksStored, r.quarantined])).toEqual([[true, 1, 0]]);
    expect(await stores.listLinks()).toEqual([expected]);
    expect(await stores.linksOf(CLOSED)).toEqual([expected]);
    expect(await stores.linksOf(SUCCESSOR)).toEqual([expected]);
    expect(await stores.linksOf(BYSTANDER)).toEqual([]);
    expect((await stores.getLocation(CLOSED))?.deregisteredOn).toBe('2025-04-14');
  });

  it('stores nothing new when the same extract lands again', async () => {
    // Prepare
    const before = await stores.listLinks();

    // Act
    const again = await ingestRegister();

    // Assess
    expect(again.reports.map((r) => [r.linksStored, r.signalsStored])).toEqual([[0, 0]]);
    expect(await stores.listLinks()).toEqual(before);
    expect(await stores.linksOf(SUCCESSOR)).toHaveLength(1);
  });

  it("keeps the postcode a CQC API document gave when a register extract, which has none, replaces the profile", async () => {
    // Prepare: the API's document for the bystander, with its postcode, then the register again
    const registerUprn = (await stores.getLocation(BYSTANDER))?.uprn;
    const apiKey = '2025-09-20/cqc-api/locations/bystander.json';
    const document = JSON.stringify({
      locationId: BYSTANDER,
      providerId: (await stores.getLocation(BYSTANDER))!.providerId,
      name: '1 Charmandean Road',
      registrationStatus: 'Registered',
      registrationDate: '2020-12-01',
      localAuthority: 'West Sussex',
      postalCode: 'bn14 9lb',
      uprn: '100061882205',
    });
    await land(apiKey, document, '2025-09-20');

    // Act
    await land('cqc-register/2025-10-01/register.csv', register, '2025-10-01');

    // Assess: the register's own UPRN stands, and the API's postcode is kept
    const profile = await stores.getLocation(BYSTANDER);
    expect(profile?.postcode).toBe('BN14 9LB');
    expect(profile?.uprn).toBe(registerUprn ?? '100061882205');
  });
});
