/// <reference lib="dom" />
// The heat map page in a real browser (Debian's Chromium driven by playwright-core): the metric and region
// selects recolour and dim the map, a council's figures show when it is focused or tapped, the councils table
// sorts, small counts read "fewer than 5", the keyboard skips dimmed hexes, and the page fits a 390 px phone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHeatMapPage } from '../../shared/domain/heatmap-page.js';
import { suppressSmallNumbers } from '../../shared/domain/small-numbers.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { heatMapOfOneRedHome, LEEDS } from '../support/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As root in a closed network: no sandbox, and no background calls home that the network would refuse.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('heat map page in Chromium', () => {
  let dir: string;
  let file: string;
  let browser: Browser;
  let page: Page;
  /** Every URL the page asked for while it loaded. */
  const requested: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatmap-page-'));
    file = join(dir, 'heatmap.html');
    // As published: Leeds's 3 concerns and 1 section 42 enquiry are small numbers.
    await writeFile(file, renderHeatMapPage(suppressSmallNumbers(heatMapOfOneRedHome()), COUNCILS_HEXMAP));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`file://${file}`);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const leeds = () => page.locator(`.hex[aria-label^="Leeds"]`);
  const fillOf = (locator: ReturnType<Page['locator']>) => locator.locator('polygon.fill').evaluate((el) => getComputedStyle(el).fill);
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

      // Assess: Leeds takes the colour of its class for this metric (none where its figure is withheld); a
      // council with no data is not coloured
      const leedsClass = await leeds().getAttribute(`data-${metric}`);
      if (leedsClass === 'none') expect(palette).not.toContain(await fillOf(leeds()));
      else expect(await fillOf(leeds())).toBe(palette[Number(leedsClass)]);
      expect(palette).not.toContain(await fillOf(page.locator('.hex[aria-label^="Manchester"]')));
      seen.add(`${metric}:${leedsClass}`);
    }
    // Leeds's safeguarding rate rests on 3 concerns: withheld, so not coloured.
    expect([...seen]).toEqual(['red-beds:4', 'poorly-rated:4', 'absorption:4', 'concerns:none', 'stale:4']);
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

  it('loads nothing but the page itself', () => {
    // Assess
    expect(requested).toEqual([`file://${file}`]);
  });

  it('labels each hex with its council code and the chosen figure', async () => {
    // Act
    await page.selectOption('#metric', 'red-beds');

    // Assess
    expect(await leeds().locator('text.code').textContent()).toBe('LEE');
    const shown = await leeds().locator('tspan.value').evaluateAll((els) => els.filter((el) => getComputedStyle(el).display !== 'none').map((el) => el.textContent));
    expect(shown).toEqual(['100%']);
    expect(await page.locator('#map text.code').count()).toBe(153);
  });

  it('reads small safeguarding counts as "fewer than 5", in the figures and the table', async () => {
    // Act
    await leeds().focus();

    // Assess
    const details = (await page.locator('#details').textContent()) ?? '';
    expect(details).toContain('all services fewer than 5 concerns');
    expect(details).toContain('fewer than 5 section 42 enquiries');
    expect(details).not.toMatch(/\b[1-4] (concerns|section 42)/);
    const row = page.locator('#councils tbody tr', { has: page.locator('th', { hasText: /^Leeds$/ }) });
    expect(await row.locator('td').allTextContents()).toContain('fewer than 5');
  });

  it('sorts the councils table by a heading, from the mouse or the keyboard', async () => {
    // Prepare
    const beds = page.locator('#councils thead th', { hasText: /^Beds$/ });
    const firstCouncil = () => page.locator('#councils tbody tr:first-child th').textContent();

    // Act
    await beds.locator('button').click();
    const ascending = { sort: await beds.getAttribute('aria-sort'), first: await firstCouncil() };
    await beds.locator('button').focus();
    await page.keyboard.press('Enter');

    // Assess: Leeds, the only council with beds, ends the ascending order and heads the descending one
    expect(ascending.sort).toBe('ascending');
    expect(ascending.first).not.toBe('Leeds');
    expect(await beds.getAttribute('aria-sort')).toBe('descending');
    expect(await firstCouncil()).toBe('Leeds');
    expect(await page.locator('#councils thead th[aria-sort]').count()).toBe(1);
  });

  it('skips the dimmed hexes when tabbing through a filtered map', async () => {
    // Prepare
    await page.selectOption('#region', 'North East');
    const inRegion = await page.locator('.hex[data-region="North East"]').count();

    // Act: tab from the download button through the map
    await page.locator('#download').focus();
    const reached: (string | null)[] = [];
    for (let i = 0; i < inRegion + 1; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => (document.activeElement?.classList.contains('hex') ? (document.activeElement.getAttribute('data-region') ?? '') : null)));
    }

    // Assess: every North East hex in turn, then out of the map
    expect(inRegion).toBe(12);
    expect(reached.slice(0, inRegion)).toEqual(Array(inRegion).fill('North East'));
    expect(reached[inRegion]).toBeNull();
    expect(await page.locator('.hex[tabindex="-1"]').count()).toBe(153 - inRegion);
    await page.selectOption('#region', '');
    expect(await page.locator('.hex[tabindex="-1"]').count()).toBe(0);
  });

  it('rings the focused hex dark and light, whatever its colour, and outlines focused controls twice', async () => {
    // Prepare: Leeds in the darkest class, York with no data (light grey hatching)
    await page.selectOption('#metric', 'red-beds');
    const ringOf = (hex: ReturnType<Page['locator']>) =>
      hex.locator('polygon.ring').evaluateAll((els) => els.map((el) => { const s = getComputedStyle(el); return [s.visibility, s.stroke, s.strokeWidth]; }));
    const york = page.locator('.hex[aria-label^="York ("]');

    // Act
    await leeds().focus();
    const onDark = await ringOf(leeds());
    await york.focus();
    const onLight = await ringOf(york);
    await page.locator('#metric').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const control = await page.locator('#metric').evaluate((el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; });

    // Assess
    const rings = [['visible', 'rgb(11, 12, 12)', '3px'], ['visible', 'rgb(255, 255, 255)', '2px']];
    expect(await leeds().getAttribute('data-red-beds')).toBe('4');
    expect(onDark).toEqual(rings);
    expect(onLight).toEqual(rings);
    expect(control.slice(0, 3)).toEqual(['solid', '3px', 'rgb(11, 12, 12)']);
    expect(control[3]).toContain('rgb(255, 255, 255)');
  });

  it('fits a 390 px phone: no sideways scroll, the picker on screen, a tapped council\'s figures in view', async () => {
    // Prepare
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const small = await phone.newPage();
    await small.goto(`file://${file}`);

    // Act
    await small.locator('.hex[aria-label^="Leeds"]').tap();

    // Assess
    const viewport = { width: 390, height: 844 };
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    const picker = await small.locator('#metric').boundingBox();
    expect(picker!.x).toBeGreaterThanOrEqual(0);
    expect(picker!.x + picker!.width).toBeLessThanOrEqual(viewport.width);
    await expect.poll(() => small.locator('#details').textContent()).toContain('Leeds (Yorkshire and Humber)');
    const details = await small.locator('#details').boundingBox();
    expect(details!.y).toBeGreaterThanOrEqual(0);
    expect(details!.y + details!.height).toBeLessThanOrEqual(viewport.height);
    await phone.close();
  });
});
