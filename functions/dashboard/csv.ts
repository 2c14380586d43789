// The dashboard's one CSV call site: every download goes through toCsv, so cells a spreadsheet would read
// as formulas are escaped in one place (the same rule as scores.csv).
import { stringify } from 'csv-stringify/sync';
import { csvSafeText } from '../../shared/domain/csv-safety.js';

export function toCsv(records: readonly (readonly string[])[]): string {
  return stringify(records.map((r) => r.map(csvSafeText)));
}
