// What the JSON source readers share: finding the documents in a file (one pretty-printed document, a JSON
// array of them, or one document a line) and naming each field a zod schema refused by its path.
import type { z } from 'zod/mini';
import type { QuarantineRecord } from '../domain/model.js';
import type { ParseContext } from './batch.js';
import { issueDetail, oversizedFields, oversizedFile, quarantineRecord, RecordChecks } from './csv-rows.js';

export interface JsonDocument {
  /** 1-based: the line of a one-a-line file, the position in an array, 1 for a file that is one document. */
  row: number;
  json: unknown;
}

export interface JsonDocuments {
  documents: JsonDocument[];
  /** Rows that are not JSON; row 1 alone when the file is neither one document nor one a line. */
  unreadable: number[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which may hold a name: callers say "not valid JSON" instead.
    return undefined;
  }
}

/**
 * The whole file as one JSON value when it is one (an array gives one document per element); otherwise one
 * document per non-blank line, but only when some line holds a whole object: a broken pretty-printed file is
 * then one unreadable file, not a reason per line.
 */
export function jsonDocuments(text: string): JsonDocuments {
  const body = text.replace(/^\uFEFF/, '');
  const whole = parseOrUndefined(body);
  if (whole !== undefined) {
    const values = Array.isArray(whole) ? whole : [whole];
    return { documents: values.map((json, index) => ({ row: index + 1, json })), unreadable: [] };
  }
  const lines = body.split(/\r?\n/).flatMap((line, index) => (line.trim() ? [{ row: index + 1, json: parseOrUndefined(line) }] : []));
  if (!lines.some((line) => isObject(line.json))) return { documents: [], unreadable: [1] };
  return {
    documents: lines.filter((line) => line.json !== undefined),
    unreadable: lines.filter((line) => line.json === undefined).map((line) => line.row),
  };
}

export const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);

/** A string at a path, for a record id: anything else gives null, so no odd value reaches a quarantine key. */
export function stringAt(root: unknown, path: readonly PropertyKey[]): string | null {
  const value = valueAt(root, path);
  return typeof value === 'string' && value ? value : null;
}

/** Every string in a value with its path, as zod names paths (`cases.0.type`). */
function* stringsIn(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) yield* stringsIn(child, path ? `${path}.${key}` : key);
  }
}

/**
 * The document checked against a schema: its typed value, or undefined with every field it got wrong recorded,
 * each named by its path. A document that is not an object is refused without quoting it. Only the fields the
 * schema keeps are held to the size limits (the names among them, by path, to a name's): the others are dropped
 * unread, so their size cannot reach a stored item.
 */
export function readDocument<T>(schema: z.ZodMiniType<T>, json: unknown, checks: RecordChecks, names: ReadonlySet<string> = new Set()): T | undefined {
  if (!isObject(json)) return checks.add(null, 'the document is not a JSON object');
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) checks.add(issue.path.map(String).join('.') || null, issueDetail(issue, valueAt(json, issue.path)));
    return undefined;
  }
  const oversized = oversizedFields(stringsIn(parsed.data, ''), names);
  for (const { field, detail } of oversized) checks.add(field, detail);
  return oversized.length > 0 ? undefined : parsed.data;
}

export interface JsonSpec<T> {
  source: string;
  /** The document's identity for its quarantine record, from the raw JSON (a string value only). */
  recordId(json: unknown): string | null;
  /** Checks one document and builds its records; a problem recorded in checks quarantines the document. */
  read(json: unknown, row: number, checks: RecordChecks): T[] | undefined;
}

/**
 * Every document of a JSON file read by spec.read: its records kept, or the document quarantined whole. A file
 * over the size limit is refused whole as row 0.
 */
export function parseJsonRecords<T>(text: string, context: ParseContext, spec: JsonSpec<T>): { records: T[]; quarantine: QuarantineRecord[] } {
  const tooLarge = oversizedFile(text, 'json', spec.source, context);
  if (tooLarge) return { records: [], quarantine: [tooLarge] };
  const { documents, unreadable } = jsonDocuments(text);
  const quarantine = unreadable.map((row) => quarantineRecord(spec.source, context, row, null, [{ field: null, detail: 'not valid JSON' }]));
  const records: T[] = [];
  for (const { row, json } of documents) {
    const checks = new RecordChecks(context.receivedOn);
    const built = spec.read(json, row, checks);
    if (built === undefined || checks.problems.length > 0) quarantine.push(quarantineRecord(spec.source, context, row, spec.recordId(json), checks.problems));
    else records.push(...built);
  }
  return { records, quarantine: quarantine.toSorted((a, b) => a.row - b.row) };
}
