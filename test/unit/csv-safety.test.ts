import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../functions/dashboard/csv.js';
import { csvSafeRow, csvSafeText } from '../../shared/domain/csv-safety.js';

describe('csvSafeText', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+44 113 000', `'+44 113 000`],
    ['-1+2', `'-1+2`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ['Rose Court', 'Rose Court'],
    ['', ''],
  ])('writes %j as %j', (text, expected) => {
    // Act
    const safe = csvSafeText(text);

    // Assess
    expect(safe).toBe(expected);
  });

  it('never leaves a text cell that a spreadsheet would run as a formula', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        // Act
        const safe = csvSafeText(text);

        // Assess: the text is kept after at most one added quote
        expect(safe).not.toMatch(/^[=+\-@\t\r]/);
        expect([text, `'${text}`]).toContain(safe);
      }),
    );
  });
});

describe('csvSafeRow', () => {
  it('escapes text cells but keeps numbers, negative ones too, as numbers', () => {
    // Prepare
    const row = { name: '=HYPERLINK("http://x","y")', likelihood: -3.5, beds: 40, shared: false, note: null };

    // Act
    const csv = stringify([csvSafeRow(row)], { header: true });

    // Assess
    const [parsed] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(parsed).toEqual({ name: `'=HYPERLINK("http://x","y")`, likelihood: '-3.5', beds: '40', shared: '', note: '' });
  });
});

describe("the dashboard's CSV downloads", () => {
  it('read back cell for cell, every text a spreadsheet would run as a formula written as text', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.string(), fc.constantFrom('', '=HYPERLINK("http://x","y")', '\tcmd', '\r\ncmd', '-1', '@A1')), { minLength: 1, maxLength: 5 }), { maxLength: 6 }), (rows) => {
        // Act
        const csv = toCsv(rows);

        // Assess
        const parsed = parse(csv, { relax_column_count: true }) as string[][];
        for (const cell of parsed.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        expect(parsed).toEqual(rows.map((row) => row.map(csvSafeText)));
      }),
    );
  });
});
