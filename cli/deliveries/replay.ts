// `start --deliveries DIR`: replays dated deliveries through the same handlers as `npm start`, one day at a
// time, as the deployed system would have lived through them: each `YYYY-MM-DD/` folder is landed with that
// day as its received date (register and CQC API files first, since they register the services the others
// describe), then scored, mapped, escalated and published as of that day, and what each day gave is written
// to OUT/<day>/. DynamoDB Local keeps its database in a state folder, so later commands see what was loaded.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { REPLAY_DATE_ENV } from '../../shared/adapters/clock.js';
import { DynamoAssessmentHistory } from '../../shared/adapters/dynamodb/assessment-history.js';
import { DynamoStores } from '../../shared/adapters/dynamodb/stores.js';
import { S3Objects } from '../../shared/adapters/s3/objects.js';
import { ENGLAND_CODE, HeatMap } from '../../shared/domain/heatmap.js';
import { IsoDate, type QuarantineRecord, type SubjectType } from '../../shared/domain/model.js';
import { LOCAL_RESOURCE_NAMES } from '../local/engines.js';
import { invoke } from '../local/invoke.js';
import { deliveryQuarantineJsonl, escalationsJsonl, scoresContext, scoresCsv } from '../local/outputs.js';
import { type DeliveredMessage, drainQueues } from '../local/queues.js';
import { type LandedFile, type LocalStack, startLocalStack, timedStep } from '../local/stack.js';

export const DEFAULT_STATE_DIR = '.state/dynamodb';

/** Files per ingest event, as the landing queue batches them for the ingest Lambda. */
const FILES_PER_EVENT = 10;

export interface ReplayOptions {
  deliveriesDir: string;
  outDir: string;
  /** Where DynamoDB Local keeps its database. */
  stateDir: string;
  /** Carry on from the state folder's database: days it has already scored are skipped. */
  continueState: boolean;
  progress: (line: string) => void;
}

export interface ReplayedDay {
  date: IsoDate;
  files: number;
  signalsStored: number;
  quarantined: QuarantineRecord[];
  red: { locations: number; providers: number };
  decisions: number;
  delivered: DeliveredMessage[];
  /** England's registrations cancelled in the 12 months to the day, closures apart from those that passed on. */
  deregistrations: HeatMap['cells'][number]['deregistrations'];
}

export interface ReplayResult {
  days: ReplayedDay[];
  /** Days the kept state had already replayed. */
  skipped: IsoDate[];
}

/** The delivery folders, oldest first; anything else in DIR is named and left alone. */
async function deliveryDates(dir: string, progress: (line: string) => void): Promise<IsoDate[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const dates = entries.filter((e) => e.isDirectory() && IsoDate.safeParse(e.name).success).map((e) => e.name);
  const others = entries.filter((e) => !dates.includes(e.name)).map((e) => e.name);
  if (others.length > 0) progress(`  left alone (not a YYYY-MM-DD folder): ${others.sort().join(', ')}`);
  if (dates.length === 0) throw new Error(`${dir} holds no delivery folder named YYYY-MM-DD`);
  return dates.sort();
}

/**
 * A delivery's files in landing order: register extracts, then CQC API documents, then the rest, each group by
 * path. Told by content, as ingest recognises them, not by name.
 */
async function deliveryFiles(dir: string, date: IsoDate): Promise<LandedFile[]> {
  const root = join(dir, date);
  const paths = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const files = await Promise.all(
    paths.map(async (path) => {
      // Bytes as delivered: ingest decides how to decode them.
      const body = await readFile(path);
      const key = `${date}/${relative(root, path).split(sep).join('/')}`;
      return { key, landedOn: date, body, rank: landingRank(body.subarray(0, 4096).toString('utf8')) };
    }),
  );
  return files.sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key)).map(({ rank: _, ...file }) => file);
}

function landingRank(head: string): number {
  const text = head.replace(/^\uFEFF/, '');
  if (/(^|,)"?Location ID"?(,|$)/.test(text.split(/\r?\n/, 1)[0] ?? '')) return 0;
  return /^\s*[[{]/.test(text) && /"locationId"\s*:/.test(text) ? 1 : 2;
}

const quarantineKey = (r: QuarantineRecord): string => JSON.stringify([r.source, r.origin, r.row, r.recordId]);

async function replayDay(stack: LocalStack, stores: DynamoStores, options: ReplayOptions, date: IsoDate, seen: Set<string>): Promise<ReplayedDay> {
  process.env[REPLAY_DATE_ENV] = date;
  const files = await deliveryFiles(options.deliveriesDir, date);
  const ingested = await stack.ingest(files, FILES_PER_EVENT);
  await invoke('score', stack.handlers.score, { asOf: date } as never);
  await invoke('heatmap', stack.handlers.heatmap, { asOf: date } as never);
  const { decisions } = await stack.decideAndPublish(date);
  const { delivered } = await drainQueues(stack.sqs, stack.queues);

  const assessed = (type: SubjectType) => stores.assessmentsAsOf(date, type);
  const [locations, providers, groups, quarantine] = await Promise.all([assessed('location'), assessed('provider'), assessed('group'), stores.listQuarantine()]);
  const quarantined = quarantine.filter((record) => !seen.has(quarantineKey(record)));
  for (const record of quarantined) seen.add(quarantineKey(record));
  const context = await scoresContext(stores, new DynamoAssessmentHistory(stack.dynamo, LOCAL_RESOURCE_NAMES.table), { locations, providers, groups }, date);
  const heatMapJson = await new S3Objects(stack.s3).getText(LOCAL_RESOURCE_NAMES.outputBucket, `heatmap/${date}.json`);

  const dayDir = join(options.outDir, date);
  await mkdir(dayDir, { recursive: true });
  await Promise.all([
    writeFile(join(dayDir, 'scores.csv'), scoresCsv({ locations, providers, groups }, context)),
    writeFile(join(dayDir, 'escalations.jsonl'), escalationsJsonl(delivered)),
    writeFile(join(dayDir, 'quarantine.jsonl'), deliveryQuarantineJsonl(quarantined)),
    writeFile(join(dayDir, 'heatmap.json'), heatMapJson),
  ]);
  const red = (list: readonly { band: string }[]) => list.filter((a) => a.band === 'Red').length;
  const england = HeatMap.parse(JSON.parse(heatMapJson)).cells.find((cell) => cell.area.code === ENGLAND_CODE)!;
  return {
    date,
    files: files.length,
    signalsStored: ingested.signalsStored,
    quarantined,
    red: { locations: red(locations), providers: red(providers) },
    decisions,
    delivered,
    deregistrations: england.deregistrations,
  };
}

export async function replayDeliveries(options: ReplayOptions): Promise<ReplayResult> {
  const step = timedStep(options.progress);
  const dates = await deliveryDates(options.deliveriesDir, options.progress);
  const stack = await startLocalStack(step, { dataDir: options.stateDir, keepData: options.continueState });
  const dateBefore = process.env[REPLAY_DATE_ENV];
  try {
    const stores = new DynamoStores(stack.dynamo, LOCAL_RESOURCE_NAMES.table);
    // The daily scoring stores a baseline per day: the latest one is the last day the kept state replayed.
    const replayedThrough = options.continueState ? (await stores.latestBaseline('9999-12-31'))?.asOf : undefined;
    const seen = new Set((await stores.listQuarantine()).map(quarantineKey));
    const result: ReplayResult = { days: [], skipped: [] };
    for (const date of dates) {
      if (replayedThrough !== undefined && date <= replayedThrough) {
        result.skipped.push(date);
        continue;
      }
      const day = await step(`${date}: landed, ingested, scored, mapped, escalated and published`, () => replayDay(stack, stores, options, date, seen));
      result.days.push(day);
    }
    return result;
  } finally {
    if (dateBefore === undefined) delete process.env[REPLAY_DATE_ENV];
    else process.env[REPLAY_DATE_ENV] = dateBefore;
    await stack.stop();
  }
}
