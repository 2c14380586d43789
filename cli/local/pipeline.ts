// The main job, locally: start real engines, provision them as the CDK stack provisions AWS, land the
// bundled sample files, invoke each Lambda handler with the event Lambda would give it, read what the
// subscriber queues received, write out/ and stop the engines. Each run starts from empty engines.
import { groupBy } from '../../shared/domain/collections.js';
import { mkdir, readFile } from 'node:fs/promises';
import { DynamoAssessmentHistory } from '../../shared/adapters/dynamodb/assessment-history.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { addWorkingDays } from '../../shared/domain/episode.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { S3Objects } from '../../shared/adapters/s3/objects.js';
import type { IsoDate, QuarantineRecord, RiskAssessment } from '../../shared/domain/model.js';
import { DEFAULT_PROTOCOL } from '../../shared/domain/protocol.js';
import { CURRENT_MODEL_VERSION } from '../../shared/domain/risk-model.js';
import type { Disclosure } from '../../shared/ports/escalations.js';
import { parseCqcRegister } from '../../shared/sources/cqc-register.js';
import { generateSample } from '../sample/generate.js';
import { LOCAL_RESOURCE_NAMES } from './engines.js';
import { acknowledgementRequest, invoke } from './invoke.js';
import { type LambdaHandler, type LandedFile, startLocalStack, timedStep } from './stack.js';
import { type DeliveredMessage, drainQueues } from './queues.js';
import { scoresContext, writeOutputs } from './outputs.js';

/** The embedded default: the register extract's date, and a month and a half of signals after it. */
export const DEFAULTS = {
  asOf: '2025-10-15',
  registerSnapshotOn: '2025-09-01',
  seed: 20251015,
  registerFile: new URL('../../data/cqc/locations-sample.csv', import.meta.url),
} as const;

export interface PipelineOptions {
  asOf: IsoDate;
  seed: number;
  outDir: string;
  /** Progress lines for a person watching; tests pass a collector. */
  progress: (line: string) => void;
  /** Land and process every file twice: the second pass must store and send nothing new. */
  replay?: boolean;
  /** Keep DynamoDB Local's database in this folder (emptied first), for `npm run serve` and `--local` commands. */
  stateDir?: string;
}

export interface PipelineResult {
  ingested: { signalsStored: number; signalsAlreadyPresent: number; quarantined: number; files: number };
  replayed?: { signalsStored: number; decisions: number; noticesPublished: number };
  assessments: { locations: RiskAssessment[]; providers: RiskAssessment[]; groups: RiskAssessment[] };
  quarantine: QuarantineRecord[];
  delivered: DeliveredMessage[];
  duplicatesDropped: number;
  audit: { subjectId: string; name: string; disclosures: Disclosure[] } | null;
  followUp: { on: IsoDate; acknowledged: Acknowledged | null; decisions: number; noticesPublished: number; messagesPublished: number };
  heatMapCells: number;
}

async function sampleFiles(asOf: IsoDate, seed: number): Promise<LandedFile[]> {
  const register = await readFile(DEFAULTS.registerFile, 'utf8');
  const registerKey = `cqc-register/${DEFAULTS.registerSnapshotOn}/locations-sample.csv`;
  // The generator stands in for the outside world; it reads the real register rows to build around them.
  const parsed = parseCqcRegister(register, { origin: registerKey, receivedOn: DEFAULTS.registerSnapshotOn, snapshotOn: DEFAULTS.registerSnapshotOn });
  const sample = generateSample({ seed, asOf, locations: parsed.locations, providers: parsed.providers });
  const signals: LandedFile[] = [
    ...sample.capacityReturns.map((r) => ({ key: `capacity-tracker/${r.snapshotOn}/returns-${r.period}.csv`, landedOn: r.snapshotOn, body: r.csv })),
    { key: `safeguarding/${asOf}/concerns.csv`, landedOn: asOf, body: sample.safeguardingCsv },
    { key: `companies-house/${asOf}/profiles.jsonl`, landedOn: asOf, body: sample.companiesHouseJsonl },
    { key: `commissioner-actions/${asOf}/actions.csv`, landedOn: asOf, body: sample.commissionerActionsCsv },
    { key: `placements/${asOf}/placements.csv`, landedOn: asOf, body: sample.placementsCsv },
  ];
  // The register lands first: ingest admits signals only about locations a register or CQC API file has named.
  return [
    { key: registerKey, landedOn: DEFAULTS.registerSnapshotOn, body: register },
    ...signals.sort((a, b) => a.landedOn.localeCompare(b.landedOn) || a.key.localeCompare(b.key)),
  ];
}

export async function runLocalPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { asOf, progress } = options;
  const step = timedStep(progress);

  const stack = await startLocalStack(step, options.stateDir === undefined ? {} : { dataDir: options.stateDir });
  try {
    const { dynamo, s3, sqs, queues, handlers } = stack;
    const files = await step('generated the sample (fixed seed) around the real CQC register rows', () => sampleFiles(asOf, options.seed));

    const landAndProcess = async () => {
      const ingested = await stack.ingest(files);
      await invoke('score', handlers.score, { asOf } as never);
      await invoke('heatmap', handlers.heatmap, { asOf } as never);
      return { ...ingested, files: files.length, ...(await stack.decideAndPublish(asOf)) };
    };

    const first = await step(`landed ${files.length} files and ran ingest, score, heat map and escalate`, landAndProcess);
    const replay = options.replay ? await step('landed every file again and re-ran: nothing new may be stored or sent', landAndProcess) : undefined;

    const stores = new DynamoStores(dynamo, LOCAL_RESOURCE_NAMES.table);
    const outbox = new DynamoOutbox(dynamo, LOCAL_RESOURCE_NAMES.table, DEFAULT_PROTOCOL.retentionYears);
    const firstDelivery = await step('read the subscriber queues', () => drainQueues(sqs, queues));

    // A week and a half on: one host council acknowledges its message; the daily runs then remind only
    // the recipients that have not acknowledged once their response target has passed.
    const followUpOn = addWorkingDays(asOf, FOLLOW_UP_WORKING_DAYS);
    const followUp = await step(`followed up on ${followUpOn}: an acknowledgement, then scoring and escalation again`, async () => {
      const acknowledged = await acknowledgeOne(firstDelivery.delivered, handlers.acknowledge, addWorkingDays(asOf, 1));
      await invoke('score', handlers.score, { asOf: followUpOn } as never);
      const run = await stack.decideAndPublish(followUpOn);
      return { on: followUpOn, acknowledged, ...run };
    });
    const secondDelivery = await step('read the subscriber queues again', () => drainQueues(sqs, queues));
    const delivered = [...firstDelivery.delivered, ...secondDelivery.delivered].sort(
      (a, b) => a.queueRecipient.localeCompare(b.queueRecipient) || a.message.idempotencyKey.localeCompare(b.message.idempotencyKey),
    );
    const duplicatesDropped = firstDelivery.duplicatesDropped + secondDelivery.duplicatesDropped;
    const result = await step('read back assessments, quarantine, heat map and audit trail', async () => {
      const [locations, providers, groups, quarantine] = await Promise.all([
        stores.assessmentsAsOf(asOf, 'location'),
        stores.assessmentsAsOf(asOf, 'provider'),
        stores.assessmentsAsOf(asOf, 'group'),
        stores.listQuarantine(),
      ]);
      const audit = await auditTrailOfOne(delivered, outbox);
      const output = new S3Objects(s3);
      const heatMapPage = await output.getText(LOCAL_RESOURCE_NAMES.outputBucket, `heatmap/${asOf}.html`);
      const heatMapJson = await output.getText(LOCAL_RESOURCE_NAMES.outputBucket, `heatmap/${asOf}.json`);
      const scores = await scoresContext(stores, new DynamoAssessmentHistory(dynamo, LOCAL_RESOURCE_NAMES.table), { locations, providers, groups }, asOf);
      return { locations, providers, groups, quarantine, audit, heatMapPage, heatMapJson, scores };
    });

    const heatMapCells = (JSON.parse(result.heatMapJson) as { cells: unknown[] }).cells.length;
    await mkdir(options.outDir, { recursive: true });
    await writeOutputs(options.outDir, {
      assessments: result,
      scoresContext: result.scores,
      quarantine: result.quarantine,
      delivered,
      heatMapJson: result.heatMapJson,
      heatMapPage: result.heatMapPage,
      modelVersion: CURRENT_MODEL_VERSION,
    });
    return {
      ingested: { signalsStored: first.signalsStored, signalsAlreadyPresent: first.signalsAlreadyPresent, quarantined: first.quarantined, files: first.files },
      ...(replay ? { replayed: { signalsStored: replay.signalsStored, decisions: replay.decisions, noticesPublished: replay.noticesPublished } } : {}),
      assessments: { locations: result.locations, providers: result.providers, groups: result.groups },
      quarantine: result.quarantine,
      delivered,
      duplicatesDropped,
      audit: result.audit,
      followUp,
      heatMapCells,
    };
  } finally {
    await stack.stop();
  }
}

/** The audit trail of the provider reached by the most recipients: the one a reviewer would ask about. */
async function auditTrailOfOne(delivered: readonly DeliveredMessage[], outbox: DynamoOutbox): Promise<PipelineResult['audit']> {
  const widest = mostDelivered(delivered, (m) => m.subject.id);
  if (!widest) return null;
  const disclosures = (await outbox.disclosuresForSubject(widest.subject.id)).sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey));
  return { subjectId: widest.subject.id, name: widest.subject.name, disclosures };
}

/** A message of the subject or episode (as `keyOf` says) delivered most often; ties go to the lowest key. */
function mostDelivered(delivered: readonly DeliveredMessage[], keyOf: (message: DeliveredMessage['message']) => string): DeliveredMessage['message'] | undefined {
  const byKey = groupBy(delivered, (d) => keyOf(d.message));
  const [, widest] = [...byKey].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0] ?? [];
  return widest?.[0]?.message;
}

const FOLLOW_UP_WORKING_DAYS = 8;

export interface Acknowledged {
  episodeId: string;
  party: string;
  name: string;
  status: number;
}

/**
 * The host council of the episode that reached the most recipients acknowledges it through the HTTP API's
 * Lambda, as its commissioner would with a signed-in token.
 */
async function acknowledgeOne(delivered: readonly DeliveredMessage[], handler: LambdaHandler, on: IsoDate): Promise<Acknowledged | null> {
  const episodeId = mostDelivered(delivered, (m) => m.episodeId)?.episodeId;
  const host = delivered.find((d) => d.message.episodeId === episodeId && d.message.recipient.kind === 'host-council');
  if (!episodeId || !host) return null;
  const claims = { sub: 'local-commissioner', 'custom:role': 'council-commissioner', 'custom:party': host.message.recipient.id };
  const response = (await invoke('acknowledge', handler, acknowledgementRequest(episodeId, claims, on) as never)) as { statusCode: number };
  return { episodeId, party: host.message.recipient.id, name: host.message.recipient.name, status: response.statusCode };
}
