// npm run screenshots (after npm start): each dashboard page at 1366 px and 390 px wide, as PNGs in
// out/screenshots/. It serves the last run's state folder as `npm run serve` does, signs in as national
// oversight with the development sign-in, and finds its pages by following the dashboard's own links.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { chromium, type Page } from 'playwright-core';
import { DEFAULT_STATE_DIR } from '../cli/deliveries/replay.js';
import { startDashboardServer } from '../cli/serve/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

/** The paths of one page of each kind, found from the map of the council with the most services. */
async function findPages(page: Page, base: string): Promise<Record<string, string>> {
  await page.goto(base);
  const councils = await page.$$eval('#councils tbody tr', (rows) =>
    (rows as HTMLTableRowElement[]).map((r) => ({ gss: r.id.replace('council-', ''), locations: Number(r.cells[3]?.textContent) })).sort((a, b) => b.locations - a.locations),
  );
  const council = `councils/${councils[0]!.gss}`;
  await page.goto(base + council);
  const provider = (await page.locator('#services tbody a[href^="/providers/"]').first().getAttribute('href'))!.slice(1);
  const location = (await page.locator('#services tbody a[href^="/locations/"]').first().getAttribute('href'))!.slice(1);
  const pages: Record<string, string> = { map: '', council, provider, location, search: `search?q=${encodeURIComponent('care home')}` };
  // A group: search lists groups first, and nearly every name has an "e".
  await page.goto(`${base}search?q=e`);
  const group = await page.locator('#hits a[href^="/groups/"]').first().getAttribute('href', { timeout: 2_000 }).catch(() => null);
  return group ? { ...pages, group: group.slice(1) } : pages;
}

const program = new Command()
  .name('screenshots')
  .option('--state <dir>', 'the state folder npm start left', DEFAULT_STATE_DIR)
  .option('--out <dir>', 'where to write the PNGs', join('out', 'screenshots'))
  .action(async (options: { state: string; out: string }) => {
    await mkdir(options.out, { recursive: true });
    const served = await startDashboardServer({ stateDir: options.state, port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${served.url}dev/sign-in?role=national`);
      const pages = await findPages(page, served.url);
      for (const { width, height } of WIDTHS) {
        await page.setViewportSize({ width, height });
        for (const [name, path] of Object.entries(pages)) {
          await page.goto(served.url + path);
          const file = join(options.out, `${name}-${width}.png`);
          await page.screenshot({ path: file });
          console.log(`${file}  (${path === '' ? '/' : `/${path}`})`);
        }
      }
    } finally {
      await browser.close();
      await served.stop();
    }
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(`screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
