import { describe, expect, it } from 'vitest';
import { ENGLAND_CODE, type HeatMap } from '../../shared/domain/heatmap.js';
import { renderHeatMapPage } from '../../shared/domain/heatmap-page.js';
import { suppressSmallNumbers } from '../../shared/domain/small-numbers.js';
import { COUNCILS_HEXMAP } from '../../shared/reference/hexmap.js';
import { heatMapOfOneRedHome as heatMap, LEEDS } from '../support/fixtures.js';

const HEXJSON = COUNCILS_HEXMAP;
const ATTACK = '</script><script>alert(1)</script>';

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe('renderHeatMapPage', () => {
  it('draws one focusable, labelled hex per council with a legend, the as-of date and model version', () => {
    // Prepare
    const data = heatMap();

    // Act
    const html = renderHeatMapPage(data, HEXJSON);

    // Assess
    expect(count(html, /<polygon class="fill" /g)).toBe(153);
    expect(count(html, /<text class="code" [^>]*>[A-Z]{3,4}<\/text>/g)).toBe(153);
    expect(html).toMatch(/<g class="hex"[^>]*data-code="LEE"[^>]*aria-label="Leeds/);
    expect(count(html, /<g class="hex"[^>]* tabindex="0"[^>]* aria-label="[^"]+"/g)).toBe(153);
    expect(count(html, /<title>[^<]+<\/title><polygon/g)).toBe(153);
    expect(count(html, /<ul class="legend"/g)).toBe(5);
    expect(html).toContain('No data');
    expect(html).toContain('<time datetime="2025-10-01">1 October 2025</time>');
    expect(html).toContain('model-7');
    expect(html).toMatch(/<select id="metric">/);
    expect(html).toMatch(/<select id="region">.*Yorkshire and Humber/);
  });

  it('shows a council figures in its tooltip and colours it by the chosen metric', () => {
    // Prepare
    const data = heatMap();

    // Act
    const html = renderHeatMapPage(data, HEXJSON);

    // Assess
    const leeds = html.match(/<g class="hex"[^>]*aria-label="Leeds[^>]*>/)?.[0] ?? '';
    expect(leeds).toContain('data-region="Yorkshire and Humber"');
    expect(leeds).toContain('data-red-beds="4"');
    expect(leeds).toContain('data-stale="4"');
    expect(leeds).toContain('100.0% (40 of 40 beds)');
    expect(html).toMatch(/<g class="hex"[^>]*aria-label="York \(Yorkshire and Humber\)[^>]*data-red-beds="none"/);
  });

  it('has a table of the region and England figures in numbers', () => {
    // Prepare
    const data = heatMap();

    // Act
    const html = renderHeatMapPage(data, HEXJSON);

    // Assess
    const table = html.slice(html.indexOf('<table id="regions">'), html.indexOf('</table>', html.indexOf('<table id="regions">')));
    expect(count(table, /<tr data-region="/g)).toBe(9);
    expect(table).toMatch(/<th scope="row">England<\/th><td class="num" data-sort="1">1<\/td><td class="num" data-sort="40">40<\/td>/);
    expect(table).toContain('<td class="num" data-sort="1.7976931348623157e+308">no vacancies</td>');
  });

  it('has a sortable table of every council with its code, region and figures, small counts withheld', () => {
    // Prepare
    const data = suppressSmallNumbers(heatMap());

    // Act
    const html = renderHeatMapPage(data, HEXJSON);

    // Assess
    const table = html.slice(html.indexOf('<table id="councils">'), html.indexOf('</table>', html.indexOf('<table id="councils">')));
    expect(count(table, /<tr data-region="/g)).toBe(153);
    expect(count(table, /<th scope="col" data-type="(text|number)"><button type="button">/g)).toBe(14);
    const leeds = table.match(/<tr data-region="Yorkshire and Humber"><td>LEE<\/td><th scope="row">Leeds<\/th>.*<\/tr>/)?.[0] ?? '';
    expect(leeds).toContain('<td class="num" data-sort="100">100.0</td>');
    expect(leeds).toContain('<td class="num" data-sort="2.5">fewer than 5</td>');
    expect(html).not.toMatch(/>[1-4] (section 42 enquiries|concerns)/);
  });

  it('carries the hexmap and data attribution lines', () => {
    // Prepare
    const data = heatMap();

    // Act
    const html = renderHeatMapPage(data, HEXJSON);

    // Assess
    expect(html).toContain('Open Innovations (ODI Leeds) hexmaps, MIT licence, Copyright © 2017- Open Innovations');
    expect(html).toContain('Contains CQC data © Care Quality Commission, Open Government Licence v3.0');
    expect(html).toContain('Contains ONS codes, Open Government Licence v3.0');
  });

  it('loads nothing from elsewhere', () => {
    // Prepare
    const data = heatMap();

    // Act
    const html = renderHeatMapPage(data, HEXJSON);

    // Assess
    expect(html).not.toMatch(/<script[^>]+src=|<link |@import|url\((?!#)|https?:\/\//);
  });

  it('keeps markup in area names inert, in the page and in the embedded JSON', () => {
    // Prepare
    const data = heatMap();
    const tampered: HeatMap = {
      ...data,
      cells: data.cells.map((cell) =>
        cell.area.code === LEEDS || cell.area.code === ENGLAND_CODE
          ? { ...cell, area: { ...cell.area, name: `${cell.area.name} ${ATTACK}` } }
          : cell,
      ),
    };

    // Act
    const html = renderHeatMapPage(tampered, HEXJSON);

    // Assess
    expect(count(html, /<script/gi)).toBe(2);
    expect(html).not.toContain(ATTACK);
    const json = html.match(/<script type="application\/json" id="heatmap-data"[^>]*>([^<]*)<\/script>/)?.[1];
    expect(JSON.parse(json ?? 'null')).toEqual(tampered);
  });

  it('rejects something that is not HexJSON', () => {
    // Prepare
    const data = heatMap();

    // Act
    const render = () => renderHeatMapPage(data, { hexes: 'nope' });

    // Assess
    expect(render).toThrow();
  });
});
