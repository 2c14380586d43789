/// <reference lib="dom" />
// The served dashboard in Debian's Chromium (playwright-core), over the database a run of the bundled
// sample leaves in its state folder, served by `npm run serve`'s own server: the public map, a walk from
// the map to a council, a provider, its history and back, filters, the CSV download, search, a council
// refused another council's detail, small numbers suppressed, the 390 px layout and the keyboard. The run
// is shared with the pipeline's end-to-end checks (test/support/sample-run.ts): made once per `vitest run`.
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboardServer } from '../../cli/serve/server.js';
import { COUNCILS } from '../../shared/domain/councils.js';
import { sampleRun } from '../support/sample-run.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As root in a closed network: no sandbox, and no background calls home that the network would refuse.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('dashboard in Chromium', () => {
  let served: DashboardServer;
  let browser: Browser;
  /** Every URL any page asked for: none may be on another host. */
  const requested: string[] = [];
  /** The council with the most services in the sample, and one with none of them. */
  let busiest: { gss: string; name: string };
  let other: string;

  const contexts: BrowserContext[] = [];
  async function signedIn(query: string | null, viewport = { width: 1366, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    if (query !== null) await page.goto(`${served.url}dev/sign-in?${query}`);
    return page;
  }

  beforeAll(async () => {
    // The sample's run, keeping its database (its engine stopped when it ends); then the dashboard server over it.
    const { stateDir } = await sampleRun();
    served = await startDashboardServer({ stateDir, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await signedIn('role=national');
    await page.goto(served.url);
    const counts = await page.$$eval('#councils tbody tr', (rows) => (rows as HTMLTableRowElement[]).map((r) => ({ gss: r.id.replace('council-', ''), locations: Number(r.cells[3]?.textContent) })));
    const top = counts.sort((a, b) => b.locations - a.locations)[0]!;
    busiest = { gss: top.gss, name: COUNCILS.find((c) => c.gss === top.gss)!.name };
    other = counts.find((c) => c.locations > 0 && c.gss !== top.gss)!.gss;
  }, 600_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await served?.stop();
  });

  it('answers GET / without sign-in or redirect: 153 labelled hexes and a council table in numbers', async () => {
    // Prepare
    const page = await signedIn(null);

    // Act
    const response = await page.goto(served.url);

    // Assess
    expect(response?.status()).toBe(200);
    expect(response?.request().redirectedFrom()).toBeNull();
    expect(await page.locator('#map .hex').count()).toBe(153);
    expect(await page.locator(`.hex[data-code="${busiest.gss}"] text.code`).textContent()).toMatch(/^[A-Z]{3}$/);
    expect(await page.locator('#councils tbody tr').count()).toBe(153);
    expect(await page.locator('.viewer').textContent()).toContain('not signed in');
  });

  it('holds no safeguarding count of 1 to 4 in the public map', async () => {
    // Prepare
    const page = await signedIn(null);

    // Act
    await page.goto(`${served.url}?metric=concerns`);
    const column = await page.$$eval('#councils tbody tr', (rows) => (rows as HTMLTableRowElement[]).map((r) => r.cells[9]!.textContent!.trim()));
    const labels = await page.$$eval('#map .hex text.value', (texts) => texts.map((t) => t.textContent));

    // Assess: the sample has councils with 1 to 4 concerns, and each reads "fewer than 5"
    expect(await page.locator('#councils thead th').nth(9).textContent()).toContain('Concerns');
    expect(column).toContain('fewer than 5');
    expect(column.filter((text) => /^[1-4]$/.test(text))).toEqual([]);
    expect(labels).toContain('<5');
    expect(labels.filter((text) => /^[1-4]$/.test(text ?? ''))).toEqual([]);
  });

  it('walks from the map to a council, a provider and its history, and back', async () => {
    // Prepare
    const page = await signedIn('role=national');
    await page.goto(served.url);

    // Act: the council's hex, then its first provider
    await page.locator(`.hex[data-code="${busiest.gss}"]`).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(busiest.name);
    const provider = page.locator('#services tbody a[href^="/providers/"]').first();
    const providerName = await provider.textContent();
    await provider.click();

    // Assess: its band over time, the signals behind it, its services and the CQC link
    await expect.poll(() => page.locator('h1').textContent()).toBe(providerName);
    expect(await page.locator('svg.chart').getAttribute('aria-label')).toMatch(/^Band and likelihood over \d+ assessments/);
    expect(await page.locator('.timeline li').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href^="https://www.cqc.org.uk/provider/"]').count()).toBe(1);

    // Act: a service of it, then back twice
    await page.locator('a[href^="/locations/"]').first().click();
    await expect.poll(() => page.locator('p.meta').first().textContent()).toMatch(/^Location /);
    await page.goBack();
    await page.goBack();

    // Assess
    await expect.poll(() => page.locator('h1').textContent()).toBe(busiest.name);
    await page.goBack();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Care market map: England');
  });

  it('filters a council\'s services by band and service kind, and downloads them as CSV', async () => {
    // Prepare
    const page = await signedIn('role=national');
    await page.goto(`${served.url}councils/${busiest.gss}`);
    const all = await page.locator('#services tbody tr').count();

    // Act: choosing a band submits the filter
    await Promise.all([page.waitForURL(/band=Red/), page.selectOption('#band', 'Red')]);
    const bands = await page.$$eval('#services tbody tr', (rows) => rows.map((r) => r.getAttribute('data-band')));
    await Promise.all([page.waitForURL(/kind=home-care/), page.selectOption('#kind', 'home-care')]);
    const kinds = await page.$$eval('#services tbody tr', (rows) => rows.map((r) => r.getAttribute('data-kinds')));
    await Promise.all([page.waitForURL(/councils\/E\d+$/), page.goto(`${served.url}councils/${busiest.gss}`)]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');

    // Assess
    expect(bands.length).toBeGreaterThan(0);
    expect(bands.length).toBeLessThan(all);
    expect(new Set(bands)).toEqual(new Set(['Red']));
    expect(kinds.every((k) => k?.split(' ').includes('home-care'))).toBe(true);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${busiest.gss}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^type,cqc_id,name,service_kinds,host_council,placed_from_here,band/);
    expect(lines.length - 1).toBe(all);
  });

  it('searches by name, CQC id and company number', async () => {
    // Prepare
    const page = await signedIn('role=national');
    await page.goto(`${served.url}councils/${busiest.gss}`);
    const href = (await page.locator('#services tbody a[href^="/providers/"]').first().getAttribute('href'))!;
    await page.goto(served.url + href.slice(1));
    const name = (await page.locator('h1').textContent())!;
    const company = (await page.locator('.facts dd').first().textContent())!;
    expect(company).toMatch(/^[A-Z0-9]{8}$/);

    // Act and assess: each way finds the provider
    for (const query of [name.split(' ')[0]!, href.split('/')[2]!, company]) {
      await page.fill('#q', query);
      await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#q', 'Enter')]);
      expect(await page.locator(`#hits a[href="${href}"]`).count(), query).toBe(1);
    }
  });

  it('refuses a council user another council\'s detail with 403, not a hidden element', async () => {
    // Prepare
    const page = await signedIn(`role=council&party=${busiest.gss}`);

    // Act
    const own = await page.goto(`${served.url}councils/${busiest.gss}`);
    const ownLocation = await page.locator('#services tbody a[href^="/locations/"]').first().getAttribute('href');
    const elsewhere = await page.goto(`${served.url}councils/${other}`);
    const csv = await page.request.get(`${served.url}councils/${other}.csv`);

    // Assess
    expect(own?.status()).toBe(200);
    expect(elsewhere?.status()).toBe(403);
    expect(await page.locator('#refusal').textContent()).toContain('Your access does not include');
    expect(csv.status()).toBe(403);
    // The public gets 403 for the same council's own service.
    const publicPage = await signedIn(null);
    expect((await publicPage.goto(served.url + ownLocation!.slice(1)))?.status()).toBe(403);
  });

  it('fits 390 px with the figures and the band above the fold', async () => {
    // Prepare
    const viewport = { width: 390, height: 844 };
    const page = await signedIn('role=national', viewport);

    for (const path of ['', `councils/${busiest.gss}`]) {
      // Act
      await page.goto(served.url + path);

      // Assess: nothing wider than the screen but the scrolling tables
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
    }
    await page.goto(served.url);
    const picker = (await page.locator('#metric').boundingBox())!;
    const details = (await page.locator('#details').boundingBox())!;
    expect(picker.x + picker.width).toBeLessThanOrEqual(390);
    expect(details.y + details.height).toBeLessThanOrEqual(viewport.height);
    await page.goto(`${served.url}councils/${busiest.gss}`);
    await page.locator('#services tbody a[href^="/locations/"]').first().click();
    await expect.poll(async () => (await page.locator('p.now').boundingBox())?.y ?? Infinity).toBeLessThan(viewport.height);
  });

  it('works from the keyboard alone: dimmed hexes skipped, a double focus ring on every hex', async () => {
    // Prepare: North West only, so the other regions' hexes are dimmed
    const page = await signedIn('role=national');
    await page.goto(`${served.url}?region=${encodeURIComponent('North West')}`);
    const dimmed = await page.locator('.hex.dim').count();

    // Act: tab through everything
    const reached: { code: string | null; dim: boolean; outline: string; filter: string }[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const el = document.activeElement!;
          const style = getComputedStyle(el);
          return { code: el.getAttribute('data-code'), dim: el.classList.contains('dim'), outline: `${style.outlineStyle} ${style.outlineWidth}`, filter: style.filter };
        }),
      );
    }
    const hexes = reached.filter((r) => r.code !== null);
    const links = reached.filter((r) => r.code === null);

    // Assess
    expect(dimmed).toBeGreaterThan(100);
    expect(hexes.length).toBeGreaterThan(10);
    expect(hexes.filter((h) => h.dim)).toEqual([]);
    expect(hexes.every((h) => h.filter.includes('drop-shadow'))).toBe(true);
    expect(links.some((l) => l.outline === 'solid 3px')).toBe(true);

    // Act: back to the last hex with Shift+Tab, and Enter opens its council
    let focused: string | null = null;
    for (let i = 0; i < 60 && focused === null; i++) {
      await page.keyboard.press('Shift+Tab');
      focused = await page.evaluate(() => document.activeElement!.getAttribute('data-code'));
    }
    await page.keyboard.press('Enter');

    // Assess
    expect(focused).toBe(hexes.at(-1)!.code);
    await expect.poll(() => page.url()).toBe(`${served.url}councils/${focused}`);
  });

  it('loads nothing from any other host', () => {
    // Assess
    expect(requested.length).toBeGreaterThan(20);
    expect(requested.filter((url) => !url.startsWith(served.url))).toEqual([]);
  });
});
