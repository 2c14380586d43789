// Shared arbitraries and checks for fuzzing the readers: what a bad cell looks like, where personal data goes,
// and the accounting every reader owes (each record kept or quarantined, never both, never neither).
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { expect } from 'vitest';
import { PERSONAL_DATA_MARKER } from '../../cli/sample/generate.js';
import type { QuarantineRecord } from '../../shared/domain/model.js';

/** Text in spreadsheet-formula, oversized, control-character and lookalike shapes, or any string at all. */
export const cellText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('', ' ', '=HYPERLINK("http://example.invalid","x")', '+44 113', '-1', '@SUM(A1)', '\tcmd', '\rcmd', '"', 'null', 'NaN', '1e309', '2025-02-30', '9999-12-31', '1-', '\u0000', '\uFEFF'),
    fc.integer().map(String),
    fc.constant('x'.repeat(5000)),
  )
  .filter((text) => !text.includes(PERSONAL_DATA_MARKER));

/** A value no checked column accepts: not an id, date, count, code, rating or answer, whatever else it is. */
export const badValue: fc.Arbitrary<string> = fc.oneof(
  fc.string().map((text) => `zz!${text}`),
  fc.constantFrom('=HYPERLINK("http://example.invalid","x")', '@SUM(A1)', '-1x', 'x'.repeat(5000)),
);

/** Personal data as a source might hold it (a name, a note over several lines), carrying the marker so a leak shows. */
export const personalText: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: 'grapheme' }), fc.constantFrom('', '\n', '\r\n', '\r', ',', '"'), fc.string())
  .map(([before, separator, after]) => `${PERSONAL_DATA_MARKER} ${before}${separator}${after}`);

/** What a reader's run comes to, whatever its output type. */
export interface ReaderResult {
  /** Records kept: one per good row or document. */
  kept: number;
  quarantine: readonly QuarantineRecord[];
  /** Everything the reader returns, searched for personal data. */
  output: unknown;
}

/** Every record is kept or quarantined once, and a quarantined record says where it was and why. */
export function expectAccounted(result: ReaderResult, records: number): void {
  const rows = new Set(result.quarantine.map((record) => record.row));
  expect(rows.size).toBe(result.quarantine.length);
  expect(result.kept + rows.size).toBe(records);
  for (const record of result.quarantine) expect(record.reason).not.toBe('');
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** The line each CSV record starts on (1 for the header), counting a break inside a quoted cell as a line. */
export function startLines(text: string): number[] {
  const records = parse(text, { relax_column_count: true }) as string[][];
  let line = 1;
  return records.map((cells) => {
    const start = line;
    line += 1 + cells.reduce((breaks, cell) => breaks + (cell.match(LINE_BREAK)?.length ?? 0), 0);
    return start;
  });
}
