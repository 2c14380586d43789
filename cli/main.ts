#!/usr/bin/env node
// The project's commands. `start` runs the whole pipeline locally on the embedded default sample, or replays
// folders of dated deliveries; `generate-deliveries` writes such folders.
import { Command, InvalidArgumentError, Option } from 'commander';
import { generateDeliveries, writeDeliveries } from './deliveries/generate.js';
import { DEFAULT_STATE_DIR, replayDeliveries } from './deliveries/replay.js';
import { replaySummary } from './deliveries/report.js';
import { DELIVERY_DEFAULTS } from './deliveries/story.js';
import { DEFAULTS, runLocalPipeline } from './local/pipeline.js';
import { summarise } from './local/summary.js';
import { acknowledge } from '../functions/acknowledge/acknowledge.js';
import { auditQueryFrom, callerFrom, listDisclosures } from '../functions/audit/audit.js';
import { DEFAULT_PROTOCOL, PARTY_ROLES, PartyRole } from '../shared/domain/protocol.js';

// The SDK warns that it will need Node 22 from 2027; Lambda runs nodejs22.x, and here it only adds noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The handlers' structured logs go to CloudWatch on AWS; locally the summary is what a person reads.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Metrics are CloudWatch's on AWS; locally they would only print EMF documents.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const isoDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected a date such as 2025-10-15');
  return value;
};

const program = new Command().name('care-market').description('Care market early-warning pipeline');

const wholeNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
};

program
  .command('start')
  .description('run the whole pipeline locally on DynamoDB Local and fauxqs, on the bundled sample or on dated deliveries, and write out/')
  .option('--as-of <date>', 'the date to assess the bundled sample as of', isoDate, DEFAULTS.asOf)
  .option('--seed <n>', 'seed of the sample generator', (v) => Number.parseInt(v, 10), DEFAULTS.seed)
  .option('--out <dir>', 'where to write the files', 'out')
  .option('--replay', 'land and process every file a second time, to show nothing new is stored or sent', false)
  .addOption(
    new Option('--deliveries <dir>', 'replay the YYYY-MM-DD/ delivery folders of <dir> in date order, writing <out>/<date>/').conflicts(['asOf', 'seed', 'replay']),
  )
  .option('--state <dir>', 'where DynamoDB Local keeps its database (for npm run serve and --local)', DEFAULT_STATE_DIR)
  .option('--continue', 'with --deliveries: start from the database in --state and replay only the days after those it holds', false)
  .action(async (options: { asOf: string; seed: number; out: string; replay: boolean; deliveries?: string; state: string; continue: boolean }) => {
    const started = Date.now();
    if (options.deliveries === undefined) {
      if (options.continue) throw new InvalidArgumentError('--continue goes with --deliveries');
      console.log(`Care market early warning: local run as of ${options.asOf}`);
      const result = await runLocalPipeline({ asOf: options.asOf, seed: options.seed, outDir: options.out, replay: options.replay, stateDir: options.state, progress: (line) => console.log(line) });
      console.log('');
      for (const line of summarise(result)) console.log(line);
    } else {
      console.log(`Care market early warning: replaying the deliveries in ${options.deliveries}`);
      const result = await replayDeliveries({ deliveriesDir: options.deliveries, outDir: options.out, stateDir: options.state, continueState: options.continue, progress: (line) => console.log(line) });
      console.log('');
      for (const line of replaySummary(result, { outDir: options.out, stateDir: options.state })) console.log(line);
    }
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  });

program
  .command('generate-deliveries')
  .description('write monthly delivery folders in the publishers\' own formats around real CQC register rows (fixed seed), for start --deliveries')
  .requiredOption('--out <dir>', 'an empty or new folder to write the YYYY-MM-DD/ folders into')
  .option('--months <n>', 'how many monthly deliveries', wholeNumber, DELIVERY_DEFAULTS.months)
  .option('--locations <n>', 'about how many locations (whole providers are taken)', wholeNumber, DELIVERY_DEFAULTS.locations)
  .option('--last <date>', 'the date of the last delivery', isoDate, DELIVERY_DEFAULTS.last)
  .option('--seed <n>', 'seed of the generator', (v) => Number.parseInt(v, 10), DELIVERY_DEFAULTS.seed)
  .action(async (options: { out: string; months: number; locations: number; last: string; seed: number }) => {
    const generated = generateDeliveries({ seed: options.seed, months: options.months, locations: options.locations, last: options.last });
    await writeDeliveries(options.out, generated);
    const files = generated.deliveries.reduce((sum, d) => sum + d.files.length, 0);
    const dates = generated.deliveries.map((d) => d.date);
    console.log(`Wrote ${dates.length} deliveries (${dates[0]} to ${dates.at(-1)}), ${files} files, ${generated.locations} locations of ${generated.providers} providers, to ${options.out}`);
    console.log('Providers the story puts in trouble:');
    for (const t of generated.troubled) console.log(`  ${t.role.padEnd(14)} ${t.name} (${t.providerId}): ${t.locations} services in ${t.councils} councils`);
    console.log('Bad records put in, one of each kind (each must be quarantined):');
    for (const f of generated.faults) console.log(`  ${f.kind}: ${f.file}${f.row === null ? '' : ` row ${f.row}`}, field ${f.field}`);
  });

// The commands below work on a deployed table (TABLE_NAME and the usual AWS SDK environment name it), or
// with --local on the database the last local run left in its state folder.
const openTable = async (options: { local: boolean; state: string }) => {
  const [{ DynamoDBClient }, { DynamoEscalationStore }, { DynamoOutbox }, { requiredEnv }, engines] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../shared/adapters/dynamodb/escalation-store.js'),
    import('../shared/adapters/dynamodb/outbox-store.js'),
    import('../shared/adapters/aws-clients.js'),
    import('./local/engines.js'),
  ]);
  if (options.local) (await import('./serve/server.js')).assertStateExists(options.state);
  const local = options.local ? await engines.startLocalEngines({ dataDir: options.state, keepData: true }) : undefined;
  if (local) engines.pointAwsSdkAt(local);
  const client = new DynamoDBClient({});
  const tableName = requiredEnv('TABLE_NAME');
  return {
    escalations: new DynamoEscalationStore(client, tableName, DEFAULT_PROTOCOL.retentionYears),
    outbox: new DynamoOutbox(client, tableName, DEFAULT_PROTOCOL.retentionYears),
    async close() {
      client.destroy();
      await local?.stop();
    },
  };
};

program
  .command('acknowledge')
  .description('acknowledge an escalation episode on behalf of a party of the protocol (as the HTTP API does)')
  .requiredOption('--episode <id>', 'episode id, e.g. provider-1-101641418-2025-10-15')
  .requiredOption('--party <id>', "the acknowledging party: a council's GSS code, adass-<region> or national-market-oversight")
  .requiredOption('--role <role>', `the party's role: ${PARTY_ROLES.join(', ')}`)
  .requiredOption('--by <name>', 'who acknowledges (kept with the acknowledgement, never sent)')
  .option('--on <date>', 'the date of the acknowledgement', isoDate, new Date().toISOString().slice(0, 10))
  .option('--local', 'on the database of the last local run (in --state) instead of TABLE_NAME', false)
  .option('--state <dir>', 'with --local: the state folder', DEFAULT_STATE_DIR)
  .action(async (options: { episode: string; party: string; role: string; by: string; on: string; local: boolean; state: string }) => {
    const role = PartyRole.safeParse(options.role);
    if (!role.success) throw new InvalidArgumentError(`--role must be one of ${PARTY_ROLES.join(', ')}`);
    const table = await openTable(options);
    const result = await acknowledge({ acknowledgements: table.escalations }, { episodeId: options.episode, party: options.party, role: role.data, by: options.by, on: options.on }).finally(() => table.close());
    console.log(JSON.stringify(result, null, 2));
    if (result.outcome !== 'acknowledged') process.exitCode = 1;
  });

program
  .command('audit')
  .description('list disclosures about a provider or to a recipient, as the protocol allows the calling party')
  .requiredOption('--party <id>', 'the calling party')
  .requiredOption('--role <role>', `the calling party's role: ${PARTY_ROLES.join(', ')}`)
  .option('--provider <id>', 'disclosures about this provider (or group or location)')
  .option('--recipient <id>', 'disclosures to this recipient')
  .option('--local', 'on the database of the last local run (in --state) instead of TABLE_NAME', false)
  .option('--state <dir>', 'with --local: the state folder', DEFAULT_STATE_DIR)
  .action(async (options: { party: string; role: string; provider?: string; recipient?: string; local: boolean; state: string }) => {
    const caller = callerFrom(options.role, options.party, DEFAULT_PROTOCOL);
    if (!caller) throw new InvalidArgumentError('--party and --role must name a party of the protocol with its role');
    const query = auditQueryFrom({ provider: options.provider, recipient: options.recipient }, DEFAULT_PROTOCOL);
    if ('invalid' in query) throw new InvalidArgumentError(query.invalid);
    const table = await openTable(options);
    const outcome = await listDisclosures(table.outbox, caller, query, DEFAULT_PROTOCOL).finally(() => table.close());
    console.log(JSON.stringify(outcome, null, 2));
    if (!('disclosures' in outcome)) process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (error) {
  // A person reads this: the reason, not a stack trace (set DEBUG=1 for that).
  console.error(process.env.DEBUG ? error : `care-market: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
