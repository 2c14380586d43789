// The two load phases of the benchmark, each on a fresh DynamoDB Local (an engine that already holds many
// stream records slows every later request): the floor (read, parse and write the same packed items with plain
// BatchWriteItem, nothing else) and the pipeline (the signal store's idempotent writes, the registry with its
// links, then scoring the whole market). Both read the generator's records the same way, a slice at a time.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pMapIterable } from 'p-map';
import { LOCAL_RESOURCE_NAMES, type LocalEngines, pointAwsSdkAt, startLocalEngines } from '../../cli/local/engines.js';
import { provisionTable } from '../../cli/local/provision.js';
import { scoreAll } from '../../functions/score/score-all.js';
import { UPDATE_CONCURRENCY } from '../../shared/adapters/dynamodb/series-writes.js';
import { packSignals, seriesItem } from '../../shared/adapters/dynamodb/signal-series.js';
import { documentClient, DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { batchPut } from '../../shared/adapters/dynamodb/writes.js';
import { Group, Location, Provider, RegistrationLink, Signal } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { peakRssMb, tallyWrites, timed, treePeakMb, type WriteTally } from './measure.js';

/** Signals handed to one store call: a backfill slice, ending on a subject boundary. */
const SLICE = 20_000;
/**
 * The re-sent backfill is every tenth slice: a re-send reads each item and writes nothing, so a sample spread
 * over the file shows it as well as the whole would, in a tenth of the time.
 */
const RESEND_EVERY = 10;

export interface Engine {
  engines: LocalEngines;
  dynamo: DynamoDBClient;
  writes: WriteTally;
  /** Stops the engine and gives its JVM's peak resident set. */
  stop(): Promise<number>;
}

export async function freshEngine(): Promise<Engine> {
  const engines = await startLocalEngines();
  pointAwsSdkAt(engines);
  const dynamo = new DynamoDBClient({});
  await provisionTable(dynamo);
  const writes = tallyWrites(dynamo);
  return {
    engines,
    dynamo,
    writes,
    async stop() {
      const peak = engines.dynamoPid === undefined ? 0 : treePeakMb(engines.dynamoPid);
      dynamo.destroy();
      await engines.stop();
      return peak;
    },
  };
}

export async function readReference(dir: string) {
  const raw = JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as Record<string, unknown[]>;
  return {
    locations: raw.locations!.map((l) => Location.parse(l)),
    providers: raw.providers!.map((p) => Provider.parse(p)),
    groups: raw.groups!.map((g) => Group.parse(g)),
    links: raw.links!.map((l) => RegistrationLink.parse(l)),
  };
}

/**
 * The generator's signals in slices that never split a subject: the generator writes each subject's signals
 * together (the file is not sorted), so a slice ends where the subject changes. `every` keeps one slice in that
 * many (a sample spread over the file); the others are cut from the file but not parsed.
 */
async function* signalSlices(dir: string, every = 1): AsyncGenerator<Signal[]> {
  let slice: { subject: Signal['subject'] }[] = [];
  let last = '';
  let index = 0;
  const parsed = () => (index++ % every === 0 ? [slice.map((record) => Signal.parse(record))] : []);
  for await (const line of createInterface({ input: createReadStream(join(dir, 'signals.ndjson')) })) {
    const record = JSON.parse(line) as { subject: Signal['subject'] };
    const subject = `${record.subject.type}#${record.subject.id}`;
    if (slice.length >= SLICE && subject !== last) {
      yield* parsed();
      slice = [];
    }
    slice.push(record);
    last = subject;
  }
  if (slice.length > 0) yield* parsed();
}

/** Each slice written in turn, the next read and parsed while the one before is written: as a backfill would stream. */
const writtenSlices = <T>(dir: string, every: number, write: (slice: Signal[]) => Promise<T>) =>
  pMapIterable(signalSlices(dir, every), write, { concurrency: 1, backpressure: 2 });

/** The slices handed to the signal store: how many signals each held, and what the store counted. */
const storedSlices = (dir: string, every: number, stores: DynamoStores) =>
  writtenSlices(dir, every, async (slice) => ({ sent: slice.length, written: await stores.putSignals(slice) }));

export interface PhaseResult {
  seconds: number;
  signals: number;
  itemsWritten: number;
  writeRequests: number;
  engineRssMb: number;
}

/** The floor: the same records read and parsed, the same packed items and profiles put with plain batch writes. */
export async function floorPhase(dir: string): Promise<PhaseResult> {
  const engine = await freshEngine();
  try {
    const doc = documentClient(engine.dynamo);
    const stores = new DynamoStores(engine.dynamo, LOCAL_RESOURCE_NAMES.table);
    let signals = 0;
    const { seconds } = await timed(async () => {
      const { links, ...profiles } = await readReference(dir);
      await stores.putReference(profiles);
      const linkItems = links.map((link) => ({ PK: `LOCATION#${link.predecessorId}`, SK: `LINK#${link.predecessorId}#${link.successorId}#${link.evidence}`, ...link }));
      await plainPuts(doc, linkItems);
      for await (const count of writtenSlices(dir, 1, async (slice) => {
        await plainPuts(doc, packSignals(slice).writes.map(seriesItem));
        return slice.length;
      })) {
        signals += count;
      }
    });
    return { seconds, signals, itemsWritten: engine.writes.items, writeRequests: engine.writes.requests, engineRssMb: await engine.stop() };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

/** Plain BatchWriteItem at the signal store's concurrency; unprocessed items sent again. */
const plainPuts = (doc: DynamoDBDocumentClient, items: readonly Record<string, unknown>[]) => batchPut(doc, LOCAL_RESOURCE_NAMES.table, items, UPDATE_CONCURRENCY);

export interface PipelineResult extends Omit<PhaseResult, 'engineRssMb'> {
  ingestSeconds: number;
  recomputeSeconds: number;
  stored: number;
  alreadyPresent: number;
  assessments: number;
  /** The process's peak resident set in MiB by the end of loading, of scoring and of the re-sent backfill. */
  rssMb: { ingest: number; scoring: number; resend: number };
  resend: { signals: number; seconds: number; stored: number; writeRequests: number };
}

/** The pipeline on a fresh engine, left running for the latency phase: registry, signals once each, then scoring. */
export async function pipelinePhase(dir: string, asOf: string): Promise<{ result: PipelineResult; engine: Engine }> {
  const engine = await freshEngine();
  const stores = new DynamoStores(engine.dynamo, LOCAL_RESOURCE_NAMES.table);
  const ports = { reference: stores, signals: stores, assessments: stores, baselines: stores, quarantine: stores };
  let signals = 0;
  const count = { stored: 0, alreadyPresent: 0 };
  try {
    const ingest = await timed(async () => {
      await stores.putReference(await readReference(dir));
      for await (const { sent, written } of storedSlices(dir, 1, stores)) {
        signals += sent;
        count.stored += written.stored;
        count.alreadyPresent += written.alreadyPresent;
      }
    });
    const ingestRssMb = peakRssMb();
    const recompute = await timed(() => scoreAll(ports, asOf, riskModel()));
    const scoringRssMb = peakRssMb();
    const [itemsWritten, writeRequests] = [engine.writes.items, engine.writes.requests];
    // A re-sent sample of the backfill: every signal found by the batch read, nothing written (not part of the ratio).
    const resent = { signals: 0, stored: 0 };
    const resend = await timed(async () => {
      for await (const { sent, written } of storedSlices(dir, RESEND_EVERY, stores)) {
        resent.signals += sent;
        resent.stored += written.stored;
      }
    });
    return {
      engine,
      result: {
        seconds: ingest.seconds + recompute.seconds,
        ingestSeconds: ingest.seconds,
        recomputeSeconds: recompute.seconds,
        signals,
        ...count,
        assessments: recompute.result.computed,
        rssMb: { ingest: ingestRssMb, scoring: scoringRssMb, resend: peakRssMb() },
        itemsWritten,
        writeRequests,
        resend: { ...resent, seconds: resend.seconds, writeRequests: engine.writes.requests - writeRequests },
      },
    };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}
