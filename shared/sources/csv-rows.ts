// What the source parsers share: reading CSV rows, checking fields, and turning a bad record's problems into
// one quarantine record. Rows keep only the columns a parser names, so personal-data columns are dropped
// here, before any parser code can copy them into a signal or a reason.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod/mini';
import { councilByGss } from '../domain/councils.js';
import { GssCode, IsoDate, type QuarantineRecord } from '../domain/model.js';
import { describeIssue, type ParseContext } from './batch.js';
import { fieldSizeProblem, fileSizeProblem, keptRecordId, MAX_LISTED_PROBLEMS, QUOTED_CHARS } from './limits.js';

/** One thing wrong with a record; a null field is a problem with the record as a whole. */
export interface Problem {
  field: string | null;
  detail: string;
}

/** A value as every reason shows it: scalars only, cut short, so a nested object or a long text never spills in. */
export function shown(value: unknown): string {
  if (typeof value === 'string' && value.length > QUOTED_CHARS) {
    // Not cut inside a surrogate pair, which JSON would show as an escape.
    return `${JSON.stringify(value.slice(0, QUOTED_CHARS).replace(/[\uD800-\uDBFF]$/, ''))}...`;
  }
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return JSON.stringify(value);
  return Array.isArray(value) ? 'a list' : `a value of type ${typeof value}`;
}

/** Why a value failed a zod schema, in words: zod/mini's own message is only "Invalid input". */
export function issueDetail(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined || value === '') return 'missing';
  const custom = issue.message !== 'Invalid input';
  switch (issue.code) {
    case 'invalid_type':
      return `${shown(value)} is not of type ${issue.expected}`;
    case 'invalid_value':
      return `${shown(value)} is not one of ${issue.values.join(', ')}`;
    case 'invalid_format':
      if (custom) return `${shown(value)} is not ${issue.message}`;
      return issue.format === 'date' ? `${shown(value)} is not a real date (YYYY-MM-DD)` : `${shown(value)} has the wrong format`;
    case 'too_small':
      return `${shown(value)} is below ${String(issue.minimum)}`;
    case 'too_big':
      return `${shown(value)} is above ${String(issue.maximum)}`;
    default:
      return `${shown(value)}: ${describeIssue(issue).reason}`;
  }
}

/** One quarantine item of bounded size, however long the record's id or however many its problems. */
export function quarantineRecord(
  source: string,
  context: ParseContext,
  row: number,
  recordId: string | null,
  problems: readonly Problem[],
): QuarantineRecord {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => (p.field === null ? p.detail : `${p.field}: ${p.detail}`));
  const unlisted = problems.length - listed.length;
  return {
    source,
    origin: context.origin,
    row,
    recordId: keptRecordId(recordId),
    field: problems[0]?.field ?? null,
    reason: [...listed, ...(unlisted > 0 ? [`and ${unlisted} more problems`] : [])].join('; '),
  };
}

/** A file over its format's size limit as one quarantine record, row 0 as for any file refused whole; else null. */
export function oversizedFile(text: string, format: 'csv' | 'json', source: string, context: ParseContext): QuarantineRecord | null {
  const problem = fileSizeProblem(Buffer.byteLength(text), format);
  return problem === null ? null : quarantineRecord(source, context, 0, null, [{ field: null, detail: problem }]);
}

/** A problem for each value over its size limit: a name over 300 characters, any value over 4 KB. */
export function oversizedFields(values: Iterable<readonly [string, string]>, names: ReadonlySet<string> = new Set()): Problem[] {
  return [...values].flatMap(([field, value]) => {
    const detail = fieldSizeProblem(value, names.has(field));
    return detail === null ? [] : [{ field, detail }];
  });
}

/** The parts of a record's identity that are present, joined as its natural id is: enough to find it. */
export const recordIdFrom = (...parts: readonly (string | undefined)[]): string | null =>
  parts.filter((part) => part).join('#') || null;

/** Lower-case words joined by hyphens, so "Neglect and acts of omission" meets its slug. */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Checks on one record: each check returns the good value or records a problem and returns undefined. */
export class RecordChecks {
  readonly problems: Problem[] = [];

  constructor(protected readonly receivedOn: IsoDate) {}

  add(field: string | null, detail: string): undefined {
    this.problems.push({ field, detail });
    return undefined;
  }

  /** A value that must satisfy a schema (an id, a code), described by the schema's message. */
  valid<T>(field: string, value: unknown, schema: z.ZodMiniType<T>): T | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    return this.add(field, issueDetail(result.error.issues[0]!, value));
  }

  /** A real date that has happened by the day the file was received. */
  pastDate(field: string, value: unknown): IsoDate | undefined {
    const date = this.valid(field, value, IsoDate);
    if (date !== undefined && date > this.receivedOn) {
      return this.add(field, `${shown(date)} is in the future (received ${this.receivedOn})`);
    }
    return date;
  }

  /** A key seen earlier in the same file: the first record stands and this one is quarantined. */
  unique(field: string, key: string, firstRows: Map<string, number>, row: number): void {
    const first = firstRows.get(key);
    if (first === undefined) firstRows.set(key, row);
    else this.add(field, `duplicate of row ${first} (${shown(key)})`);
  }
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** The UTC date of a real ISO timestamp (a zone offset is allowed), or undefined. */
export function utcDateOf(value: string): IsoDate | undefined {
  const match = TIMESTAMP.exec(value);
  const [hours, minutes, seconds] = [match?.[2], match?.[3], match?.[4] ?? '0'].map(Number) as [number, number, number];
  if (!match || !IsoDate.safeParse(match[1]).success || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  // Without a zone the column's own promise (UTC) applies; Date.parse would otherwise read it as local time.
  return new Date(Date.parse(match[5] ? value : `${value}Z`)).toISOString().slice(0, 10);
}

/** Field checks on one CSV row, read by column name; blanks count as missing. */
export class CsvFields extends RecordChecks {
  constructor(
    private readonly values: Readonly<Record<string, string>>,
    receivedOn: IsoDate,
  ) {
    super(receivedOn);
  }

  value(field: string): string {
    return this.values[field] ?? '';
  }

  text(field: string): string | undefined {
    return this.value(field) || this.add(field, 'missing');
  }

  schema<T>(field: string, schema: z.ZodMiniType<T>): T | undefined {
    return this.valid(field, this.value(field), schema);
  }

  date(field: string): IsoDate | undefined {
    return this.pastDate(field, this.value(field));
  }

  /** An ISO timestamp in UTC (a zone offset is allowed): returns its UTC date, which must not be in the future. */
  timestamp(field: string): IsoDate | undefined {
    const value = this.value(field);
    if (!value) return this.add(field, 'missing');
    const utcDate = utcDateOf(value);
    if (utcDate === undefined) return this.add(field, `${shown(value)} is not a real ISO timestamp such as 2025-09-10T14:32:00Z`);
    return this.pastDate(field, utcDate);
  }

  count(field: string): number | undefined {
    const value = this.value(field);
    if (!value) return this.add(field, 'missing');
    return /^\d+$/.test(value) ? Number(value) : this.add(field, `${shown(value)} is not a whole number of 0 or more`);
  }

  /** A count the return may leave blank (null). */
  optionalCount(field: string): number | null | undefined {
    return this.value(field) ? this.count(field) : null;
  }

  /** A number of 0 or more (hours may have a fraction), or null when blank. */
  optionalAmount(field: string): number | null | undefined {
    const value = this.value(field);
    if (!value) return null;
    return /^\d+(\.\d+)?$/.test(value) ? Number(value) : this.add(field, `${shown(value)} is not a number of 0 or more`);
  }

  /** A percentage 0-100, or null when blank. */
  percentage(field: string): number | null | undefined {
    const value = this.value(field);
    if (!value) return null;
    const pct = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    return pct <= 100 ? pct : this.add(field, `${shown(value)} is not a percentage from 0 to 100`);
  }

  yesNo(field: string): boolean | undefined {
    const value = this.value(field);
    if (!value) return this.add(field, 'missing');
    const answer = { yes: true, true: true, no: false, false: false }[value.toLowerCase()];
    return answer ?? this.add(field, `${shown(value)} is not Yes or No`);
  }

  /** A value matched by its slug against the accepted spellings. */
  oneOf<T>(field: string, spellings: ReadonlyMap<string, T>): T | undefined {
    const value = this.value(field);
    if (!value) return this.add(field, 'missing');
    const known = spellings.get(slug(value));
    return known ?? this.add(field, `${shown(value)} is not one of ${[...new Set(spellings.values())].join(', ')}`);
  }

  /** The GSS code of an English council with adult social services responsibility. */
  council(field: string): string | undefined {
    const gss = this.schema(field, GssCode);
    if (gss !== undefined && !councilByGss(gss)) {
      return this.add(field, `${shown(gss)} is not a council with adult social services responsibility`);
    }
    return gss;
  }
}

export interface CsvSpec<T> {
  source: string;
  /** The columns the parser needs, in file order; any column not named here, personal data included, is never read. */
  columns: readonly string[];
  /** Columns read where the header has them; a missing one reads as blank. */
  optionalColumns?: readonly string[];
  /** Other spellings of a column's name (lower-case), read as the name they stand for. */
  aliases?: Readonly<Record<string, string>>;
  /** The record's identity from its raw values; a second record with the same one in a file is quarantined. */
  recordId(values: Readonly<Record<string, string>>): string | null;
  /** The column a duplicate is reported against. */
  idField: string;
  /** Checks one row's fields and builds its record; returns undefined when a check failed. */
  read(fields: CsvFields): T | undefined;
}

const CSV_ERRORS: Partial<Record<string, string>> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field is followed by more text before the next comma',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote opens in the middle of a field',
};

/** Why csv-parse could not read a record, in our own words: its message quotes the offending text. */
const unreadableRecord = (error: { code?: string } | undefined): string =>
  CSV_ERRORS[error?.code ?? ''] ?? `the record cannot be read as CSV (${error?.code ?? 'unknown error'})`;

/** A record and the line of the file it starts on, or why it could not be read. */
export type NumberedRecord = { cells: string[]; line: number } | { unreadable: string; line: number };

const LINE_BREAK = /\r\n|\r|\n/g;
const lineBreaksIn = (text: string): number => (text.includes('\n') || text.includes('\r') ? (text.match(LINE_BREAK)?.length ?? 0) : 0);

/**
 * Every record of a CSV text but blank lines, each with the line it starts on, so a quarantine names the row a
 * sender sees in an editor. Lines are counted here, a break inside a quoted cell (CR, LF or CRLF) as one line:
 * csv-parse's own counter drifts on CRLF files with multi-line cells. A record csv-parse cannot read is kept
 * with why, and the rest read on; after it, only csv-parse's counter says where the next record starts.
 */
export function numberedRecords(text: string, options: { relaxQuotes?: boolean } = {}): NumberedRecord[] {
  const numbered: NumberedRecord[] = [];
  let line = 1;
  parse(text, {
    bom: true,
    relax_column_count: true,
    relax_quotes: options.relaxQuotes ?? false,
    skip_records_with_error: true,
    on_record: (cells: string[]) => {
      const blankLine = cells.length === 1 && cells[0]?.trim() === '';
      if (!blankLine) numbered.push({ cells, line });
      line += 1 + cells.reduce((breaks, cell) => breaks + lineBreaksIn(cell), 0);
      return null;
    },
    on_skip: (error) => {
      numbered.push({ unreadable: unreadableRecord(error), line });
      line = Math.max(line, Number(error?.lines ?? line)) + 1;
      return undefined;
    },
  });
  return numbered;
}

/**
 * Every record of a CSV file built by spec.read, and every row that fails (broken quoting, a field count
 * different from the header's, a value over its size limit, a duplicate, a failed check) quarantined. Columns
 * are found by name, in any order. A header without a needed column quarantines the whole file as row 1, a file
 * over the size limit as row 0. The header's other columns are never read; their names are returned for an
 * ingest report (none when the header is refused, since a file without a header would then name its first
 * row's values).
 */
export function parseCsvRecords<T>(
  text: string,
  context: ParseContext,
  spec: CsvSpec<T>,
): { records: T[]; quarantine: QuarantineRecord[]; ignoredColumns: string[] } {
  const tooLarge = oversizedFile(text, 'csv', spec.source, context);
  if (tooLarge) return { records: [], quarantine: [tooLarge], ignoredColumns: [] };
  const quarantine: QuarantineRecord[] = [];
  const reject = (row: number, recordId: string | null, problems: readonly Problem[]) =>
    quarantine.push(quarantineRecord(spec.source, context, row, recordId, problems));
  const [header, ...body] = numberedRecords(text);
  if (header !== undefined && 'unreadable' in header) {
    reject(header.line, null, [{ field: null, detail: `the header cannot be read as CSV (${header.unreadable})` }]);
    return { records: [], quarantine, ignoredColumns: [] };
  }
  const headerNames = (header?.cells ?? []).map((name) => name.trim());
  const names = headerNames.map((name) => spec.aliases?.[name.toLowerCase()] ?? name.toLowerCase());
  // A problem names its column as the file's header spells it, so the sender finds it.
  const spelt = (problem: Problem): Problem => ({ ...problem, field: problem.field && (headerNames[names.indexOf(problem.field)] ?? problem.field) });
  const missing = spec.columns.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    reject(1, null, missing.map((column) => ({ field: column, detail: 'column missing from the header' })));
    return { records: [], quarantine, ignoredColumns: [] };
  }
  const read = [...spec.columns, ...(spec.optionalColumns ?? [])];
  const ignoredColumns = headerNames.filter((_, index) => !read.includes(names[index]!));

  const records: T[] = [];
  const firstRows = new Map<string, number>();
  const columnOrder = (problem: Problem) => (problem.field === null ? -1 : names.indexOf(problem.field));
  // Checks run in whatever order the parser needs; a reason lists problems in the file's column order.
  const inFileOrder = (problems: readonly Problem[]) => problems.toSorted((a, b) => columnOrder(a) - columnOrder(b)).map(spelt);
  for (const numbered of body) {
    if ('unreadable' in numbered) {
      reject(numbered.line, null, [{ field: null, detail: numbered.unreadable }]);
      continue;
    }
    const { cells: record, line: row } = numbered;
    if (record.length !== names.length) {
      // No record id: in a shifted row the id column may hold a name.
      reject(row, null, [{ field: null, detail: `the record has ${record.length} fields where the header has ${names.length}` }]);
      continue;
    }
    const values = Object.fromEntries(read.map((column) => [column, record[names.indexOf(column)]?.trim() ?? '']));
    const recordId = spec.recordId(values);
    const fields = new CsvFields(values, context.receivedOn);
    if (recordId !== null) fields.unique(spec.idField, recordId, firstRows, row);
    // A value over its size limit is not read further: its size is its problem.
    const oversized = oversizedFields(Object.entries(values));
    const built = oversized.length > 0 ? undefined : spec.read(fields);
    if (built === undefined || fields.problems.length > 0) {
      reject(row, recordId, inFileOrder([...fields.problems, ...oversized]));
    } else {
      records.push(built);
    }
  }
  return { records, quarantine: quarantine.toSorted((a, b) => a.row - b.row), ignoredColumns };
}

/**
 * Ids for records their file gives none: a digest of what the record says and how many identical records came
 * before it in the file, so a re-sent file gives the same ids and two identical rows stay two records.
 */
export class ContentIds {
  private readonly seen = new Map<string, number>();

  next(...parts: readonly string[]): string {
    const digest = createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 16);
    const position = (this.seen.get(digest) ?? 0) + 1;
    this.seen.set(digest, position);
    return `${digest}-${position}`;
  }
}

/** The values when every one is present (each missing one has already been recorded as a problem). */
export function allPresent<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]: Exclude<T[K], undefined> } | undefined {
  return Object.values(values).includes(undefined) ? undefined : (values as { [K in keyof T]: Exclude<T[K], undefined> });
}
