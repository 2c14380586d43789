// The dashboard's one CSV call site: every download goes through toCsv, so the escaping of cells a
// spreadsheet would read as formulas is applied in one place.
import { stringify } from 'csv-stringify/sync';

export function toCsv(records: readonly (readonly string[])[]): string {
  return stringify(records.map((r) => [...r]));
}
