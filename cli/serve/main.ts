#!/usr/bin/env node
// npm run serve -- --port N [--state DIR]: the dashboard over the database the last `npm start` or
// `--deliveries` run left in its state folder, on 127.0.0.1 only.
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_STATE_DIR } from '../deliveries/replay.js';
import { startDashboardServer } from './server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number (0 for any free port)');
  return n;
};

const program = new Command()
  .name('serve')
  .description('serve the market dashboard on 127.0.0.1 over the last run\'s DynamoDB Local database')
  .option('--port <n>', 'the port to listen on', port, 8080)
  .option('--state <dir>', 'the state folder npm start or --deliveries left', DEFAULT_STATE_DIR)
  .action(async (options: { port: number; state: string }) => {
    const served = await startDashboardServer({ stateDir: options.state, port: options.port });
    console.log(`Dashboard: ${served.url}`);
    console.log(`Development sign-in (this server only): ${served.url}dev/sign-in, e.g. ${served.url}dev/sign-in?role=council&party=E10000014`);
    console.log('Press Ctrl+C to stop.');
    const stop = () => {
      served.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(`serve: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
