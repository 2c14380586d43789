// Fuzzing the ingest use case, the Lambda's whole path from landed bytes: the published example files with bytes
// flipped, inserted and cut, landed under every source's key and as dated deliveries, and bytes of any kind under
// any key. Ingest must never throw on what it is given, must quarantine each problem with a reason, must store
// nothing about people, and a re-sent file must store nothing new.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import { ingestObject, type IngestPorts } from '../../functions/ingest/ingest.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { expectSaysWhereAndWhy } from '../support/fuzzing.js';
import { InMemoryIngestStores } from '../support/in-memory-stores.js';

const BUCKET = 'landing';
const LANDED_ON = '2025-10-15';
const examples = new URL('../../data/examples/', import.meta.url);
const example = (name: string): Uint8Array => readFileSync(new URL(name, examples));

/** Each published example with the source key it lands under. */
const EXAMPLES: readonly { source: string; name: string; bytes: Uint8Array }[] = [
  { source: 'capacity-tracker', name: 'capacity-tracker.csv', bytes: example('capacity-tracker.csv') },
  { source: 'commissioner-actions', name: 'commissioner-actions.csv', bytes: example('commissioner-actions.csv') },
  { source: 'safeguarding', name: 'safeguarding.csv', bytes: example('safeguarding.csv') },
  { source: 'cqc-api', name: 'cqc-api-location.json', bytes: example('cqc-api-location.json') },
  ...readdirSync(new URL('companies-house/', examples)).map((name) => ({ source: 'companies-house', name, bytes: example(`companies-house/${name}`) })),
];

/** The registry the examples' signals are admitted against: the bundled register sample. */
const REGISTER = parseCqcRegister(readFileSync(new URL('../../data/cqc/locations-sample.csv', import.meta.url), 'utf8'), {
  origin: 'cqc-register/2025-10-01/locations.csv',
  receivedOn: '2025-10-01',
  snapshotOn: '2025-10-01',
});

async function storesWithRegistry(): Promise<InMemoryIngestStores> {
  const stores = new InMemoryIngestStores();
  await stores.putReference(REGISTER);
  return stores;
}

const portsOf = (stores: InMemoryIngestStores): IngestPorts => ({ objects: stores, signals: stores, reference: stores, placements: stores, quarantine: stores });

type Mutation = { at: number; kind: 'flip' | 'insert' | 'cut'; byte: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'insert', 'cut'), byte: fc.oneof(fc.nat(255), fc.constantFrom(0x2c, 0x22, 0x0a, 0x0d, 0x7b, 0x7d, 0x3a)) });

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const out = [...bytes];
  for (const { at, kind, byte } of mutations) {
    const index = out.length === 0 ? 0 : at % out.length;
    if (kind === 'flip') out[index] = byte;
    if (kind === 'insert') out.splice(index, 0, byte);
    if (kind === 'cut') out.splice(index, 1 + (byte % 8));
  }
  return Uint8Array.from(out);
}

const keyFor = (source: string, name: string, asDelivery: boolean): string => (asDelivery ? `${LANDED_ON}/${source}/${name}` : `${source}/${LANDED_ON}/${name}`);

describe('fuzzing ingest', () => {
  it('ingests every mutated example without throwing, quarantining with reasons, keeping no personal data, and storing nothing new when re-sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EXAMPLES), fc.array(mutationArb, { maxLength: 6 }), fc.boolean(), async (file, mutations, asDelivery) => {
        // Prepare
        const stores = await storesWithRegistry();
        const key = keyFor(file.source, file.name, asDelivery);
        stores.objects.set(`${BUCKET}/${key}`, mutate(file.bytes, mutations));

        // Act
        const first = await ingestObject(portsOf(stores), BUCKET, key, LANDED_ON);
        const again = await ingestObject(portsOf(stores), BUCKET, key, LANDED_ON);

        // Assess
        expect(first.signalsStored).toBe(stores.signals.size);
        expect(stores.quarantined.size).toBeLessThanOrEqual(first.quarantined);
        if (first.quarantined > 0) expect(stores.quarantined.size).toBeGreaterThan(0);
        expectSaysWhereAndWhy(stores.quarantined.values(), key);
        const onward = JSON.stringify({ signals: [...stores.signals.values()], locations: [...stores.locations.values()], providers: [...stores.providers.values()] });
        expect(onward).not.toContain(PERSONAL_DATA_MARKER);
        expect(again).toMatchObject({ signalsStored: 0, signalsAlreadyPresent: first.signalsStored + first.signalsAlreadyPresent, quarantined: first.quarantined });
      }),
      { numRuns: 200 },
    );
  });

  it('answers bytes of any kind under any key with a report, never an exception', async () => {
    const keyArb = fc.oneof(
      fc.string(),
      fc.constantFrom(...EXAMPLES.map((file) => file.source), 'placements', 'cqc-register', 'unknown-source').map((source) => `${source}/${LANDED_ON}/file`),
      fc.constantFrom(`${LANDED_ON}/delivery/file.csv`, `${LANDED_ON}/delivery/file.json`, '2025-02-30/file.csv', '9999-12-31/x/y'),
    );
    await fc.assert(
      fc.asyncProperty(keyArb, fc.uint8Array({ maxLength: 600 }), async (key, bytes) => {
        // Prepare
        const stores = await storesWithRegistry();
        stores.objects.set(`${BUCKET}/${key}`, bytes);

        // Act
        const report = await ingestObject(portsOf(stores), BUCKET, key, LANDED_ON);

        // Assess: a file it cannot place is quarantined whole, and every quarantine record says why
        expect(report.key).toBe(key);
        expect(report.signalsStored).toBe(stores.signals.size);
        expect(stores.quarantined.size).toBeLessThanOrEqual(report.quarantined);
        if (report.source === 'unknown') expect([...stores.quarantined.values()]).toEqual([expect.objectContaining({ origin: key, row: 0 })]);
        expectSaysWhereAndWhy(stores.quarantined.values(), key);
      }),
      { numRuns: 300 },
    );
  });
});
