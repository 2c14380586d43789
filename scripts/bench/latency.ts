// From one new signal's write to its stored escalation decision, on the loaded England table: the signal store
// writes it, the score Lambda's handler gets the table stream's record of that change (the item's old and new
// images, as DynamoDB Streams sends them) and rescores what it touches, then the escalate use case decides for
// the rescored subjects and records each decision. The escalate Lambda itself runs on a schedule over the whole
// market; a warm container's registry and placements stand in for its per-run load (timed apart, once).
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { LOCAL_RESOURCE_NAMES } from '../../cli/local/engines.js';
import { invoke } from '../../cli/local/invoke.js';
import { decideEach } from '../../functions/escalate/escalate.js';
import { DynamoEscalationStore } from '../../shared/adapters/dynamodb/escalation-store.js';
import { seriesKey } from '../../shared/adapters/dynamodb/signal-series.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { marketContextOf } from '../../shared/domain/market-context.js';
import { isCareHome, type Location, type RiskAssessment, type Signal, type SubjectType } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { CURRENT_MODEL_VERSION } from '../../shared/domain/risk-model.js';
import { percentile, timed } from './measure.js';
import type { Engine } from './phases.js';

export interface LatencyResult {
  signals: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  decisions: number;
  itemsWrittenPer1000: number;
  warmLoadSeconds: number;
  /** The whole phase: the warm load, then each signal with the untimed reads of its stream record. */
  seconds: number;
}

/** A month's return from a care home, with its occupancy down: the kind of signal that arrives most. */
const newReturn = (home: Location, receivedOn: string): Signal => ({
  source: 'capacity-tracker',
  naturalId: `${home.locationId}#${receivedOn.slice(0, 7)}`,
  subject: { type: 'location', id: home.locationId },
  describedOn: receivedOn,
  receivedOn,
  facts: { kind: 'capacity-return', period: receivedOn.slice(0, 7), maxCapacity: home.beds, usedBeds: Math.floor(home.beds * 0.7), declaredVacancies: Math.ceil(home.beds * 0.2), acceptingAdmissions: true, staffAbsencePct: 6, agencyHoursPct: 18 },
});

export async function latencyPhase(engine: Engine, count: number): Promise<LatencyResult> {
  const phaseStarted = performance.now();
  const stores = new DynamoStores(engine.dynamo, LOCAL_RESOURCE_NAMES.table);
  const { handler } = await import('../../functions/score/handler.js');
  const today = new Date().toISOString().slice(0, 10);
  const escalations = new DynamoEscalationStore(engine.dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
  // What a warm escalate container holds: the market's registry and placements, read and indexed once.
  const warm = await timed(async () => {
    const [locations, providers, placements] = await Promise.all([stores.listLocations(), stores.listProviders(), stores.listPlacements()]);
    return { locations, market: marketContextOf(locations, providers, placements) };
  });
  // The homes come from the registry the warm load read, not the generator's file: one copy of it in memory.
  const sample = warm.result.locations.filter((l) => isCareHome(l) && l.beds > 0 && l.deregisteredOn === undefined).slice(0, count);
  const image = async (signal: Signal) => (await engine.dynamo.send(new GetItemCommand({ TableName: LOCAL_RESOURCE_NAMES.table, Key: marshall(seriesKey(signal)) }))).Item;
  const latencies: number[] = [];
  let decisions = 0;
  const writesBefore = engine.writes.items;
  for (const home of sample) {
    const signal = newReturn(home, today);
    const before = await image(signal);
    const started = performance.now();
    await stores.putSignals([signal]);
    // The stream's record of the change: not timed, as DynamoDB Streams delivers it on AWS.
    const paused = performance.now();
    const after = await image(signal);
    const event = { Records: [{ eventName: before ? 'MODIFY' : 'INSERT', dynamodb: { Keys: marshall(seriesKey(signal)), ...(before && { OldImage: before }), NewImage: after } }] };
    const resumed = performance.now();
    await invoke('score', handler as (event: never, context: Context) => Promise<unknown>, event as never);
    const provider = home.providerId;
    const groupId = warm.result.market.providers.get(provider)?.groupId ?? null;
    const subjects: [SubjectType, string][] = [['location', home.locationId], ['provider', provider], ...(groupId ? [['group', groupId] as [SubjectType, string]] : [])];
    const fresh = (await Promise.all(subjects.map(([type, id]) => stores.latestAssessment({ type, id }, today, CURRENT_MODEL_VERSION)))).filter((a): a is RiskAssessment => a !== undefined);
    // Deciding stores each decision with its messages for the outbox; publishing them is the sweep's, not timed here.
    const decided = await decideEach(escalations, fresh, warm.result.market, DEFAULT_PROTOCOL, today);
    decisions += decided.decisions;
    latencies.push(performance.now() - started - (resumed - paused));
  }
  return {
    signals: sample.length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    decisions,
    itemsWrittenPer1000: Math.round(((engine.writes.items - writesBefore) / sample.length) * 1000),
    warmLoadSeconds: warm.seconds,
    seconds: (performance.now() - phaseStarted) / 1000,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
