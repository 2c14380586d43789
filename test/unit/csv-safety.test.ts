import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
