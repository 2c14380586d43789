/// <reference lib="dom" />
// The heat map page in a real browser (Debian's Chromium driven by playwright-core): the metric and region
// selects recolour and dim the map, and a council's figures show when it is focused from the keyboard.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHeatMapPage } from '../../shared/domain/heatmap-page.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { heatMapOfOneRedHome, LEEDS } from '../support/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As root in a closed network: no sandbox, and no background calls home that the network would refuse.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('heat map page in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatmap-page-'));
    const file = join(dir, 'heatmap.html');
    await writeFile(file, renderHeatMapPage(heatMapOfOneRedHome(), COUNCILS_HEXMAP));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.goto(`file://${file}`);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const leeds = () => page.locator(`.hex[aria-label^="Leeds"]`);
  const fillOf = (locator: ReturnType<Page['locator']>) => locator.locator('polygon').evaluate((el) => getComputedStyle(el).fill);
  const opacityOf = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => getComputedStyle(el).opacity);

  it('draws a hex for each of the 153 councils', async () => {
    // Assess
    expect(await page.locator('#map .hex').count()).toBe(153);
    expect(await leeds().getAttribute('data-region')).toBe('Yorkshire and Humber');
    expect(LEEDS).toBe('E08000035');
  });

  it('colours each council by the class of the chosen metric', async () => {
    // Prepare: the page's five classes, light to dark (viridis)
    const palette = ['rgb(253, 231, 37)', 'rgb(94, 201, 98)', 'rgb(33, 145, 140)', 'rgb(59, 82, 139)', 'rgb(68, 1, 84)'];
    const seen = new Set<string>();

    for (const metric of ['red-beds', 'poorly-rated', 'absorption', 'concerns', 'stale']) {
      // Act
      await page.selectOption('#metric', metric);

      // Assess: Leeds takes the colour of its class for this metric; a council with no data is not coloured
      const leedsClass = Number(await leeds().getAttribute(`data-${metric}`));
      expect(await fillOf(leeds())).toBe(palette[leedsClass]);
      expect(palette).not.toContain(await fillOf(page.locator('.hex[aria-label^="Manchester"]')));
      seen.add(`${metric}:${leedsClass}`);
    }
    expect(seen.size).toBe(5);
  });

  it('dims councils outside the chosen ADASS region', async () => {
    // Act
    await page.selectOption('#region', 'North West');

    // Assess
    expect(await opacityOf(leeds())).toBe('0.2');
    expect(await opacityOf(page.locator('.hex[aria-label^="Manchester"]'))).toBe('1');
    await page.selectOption('#region', '');
    expect(await opacityOf(leeds())).toBe('1');
  });

  it('shows a council\'s figures when it is reached with the keyboard', async () => {
    // Act
    await leeds().focus();

    // Assess
    await expect.poll(() => page.locator('#details').textContent()).toContain('Leeds (Yorkshire and Humber)');
    expect(await page.locator('#details').textContent()).toContain('1 locations, 40 beds');
  });
});
