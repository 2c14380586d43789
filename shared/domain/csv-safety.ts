// CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with =, +, -, @, a tab or a
// carriage return as a formula, so a provider or location named `=HYPERLINK(...)` could act on the reader's
// machine. Such text cells get a leading single quote, which spreadsheets show as text. Numeric columns are
// written as numbers and left alone: a negative number is data, not a formula, and stays a number.

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined;

/** A text cell as written to a CSV: prefixed with ' when a spreadsheet would read it as a formula. */
export const csvSafeText = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** A row with every text cell made safe; numbers, booleans and empty cells are kept as they are. */
export function csvSafeRow<Row extends Record<string, CsvValue>>(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' ? csvSafeText(value) : value])) as Row;
}
