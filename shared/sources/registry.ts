// Which parser reads which landed file. Two kinds of object key:
// - `<source>/<YYYY-MM-DD>/<file>`: the first folder names the source, the second the snapshot date it describes,
//   e.g. `capacity-tracker/2025-10-14/returns.csv`;
// - `<YYYY-MM-DD>/<any/path>`: a dated delivery as publishers send it, e.g. `2025-10-15/cqc-api/locations/1-123.json`.
//   Names are the sender's choice, so the source is recognised from the file's header or JSON shape, never its name.
import { IsoDate } from '../domain/model.js';
import type { ParseContext, SourceParser } from './batch.js';
import { parseCapacityTracker } from './capacity-tracker.js';
import { parseCommissionerActions } from './commissioner-actions.js';
import { parseCompaniesHouse } from './companies-house.js';
import { parseCompaniesHouseApi } from './companies-house-api.js';
import { parseCqcApiLocations } from './cqc-api.js';
import { parseCqcRegister } from './cqc-register.js';
import { shown } from './csv-rows.js';
import { jsonDocuments } from './json-records.js';
import { parsePlacements } from './placements.js';
import { parseSafeguardingReturn } from './safeguarding.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const withoutBom = (text: string): string => text.replace(/^\uFEFF/, '');

/**
 * Companies House files come as the fetcher's envelope (a provider id around the resources, a line each) or as
 * the API's own resources: an envelope's first line is a whole document with a `profile`.
 */
const parseCompaniesHouseFile: SourceParser = (text, context) => {
  const firstLine = withoutBom(text).trimStart().split(/\r?\n/, 1)[0] ?? '';
  let envelope = false;
  try {
    const json: unknown = JSON.parse(firstLine);
    envelope = isObject(json) && 'profile' in json;
  } catch {
    // A pretty-printed API resource's first line is not a document by itself.
  }
  return (envelope ? parseCompaniesHouse : parseCompaniesHouseApi)(text, context);
};

export const SIGNAL_SOURCES: Readonly<Record<string, SourceParser>> = {
  'cqc-register': parseCqcRegister,
  'cqc-api': parseCqcApiLocations,
  'capacity-tracker': parseCapacityTracker,
  safeguarding: parseSafeguardingReturn,
  'companies-house': parseCompaniesHouseFile,
  'commissioner-actions': parseCommissionerActions,
};

/** Placements are reference data for the protocol, not signals. */
export const PLACEMENTS_PREFIX = 'placements';

/** The parser of a source; own keys only, so a key such as `constructor/...` names no source. */
export const signalParser = (source: string): SourceParser | undefined =>
  Object.hasOwn(SIGNAL_SOURCES, source) ? SIGNAL_SOURCES[source] : undefined;

export interface RecognisedFile {
  source: string;
  snapshotOn: IsoDate;
  /** True for `<YYYY-MM-DD>/...` keys: the date folder is also the day the delivery was received. */
  dated: boolean;
}

type Refusal = { error: string };

const SOURCE_KEY = /^([a-z-]+)\/(\d{4}-\d{2}-\d{2})\/[^/]+$/;
const DELIVERY_KEY = /^(\d{4}-\d{2}-\d{2})\/[^/]+(?:\/[^/]+)*$/;

function realDate(date: string, key: string): Refusal | undefined {
  return IsoDate.safeParse(date).success ? undefined : { error: `${shown(date)} in ${shown(key)} is not a real date` };
}

/** A CSV parser as recognition uses it: all that matters is whether it quarantines anything. */
type CsvReader = (text: string, context: ParseContext) => { quarantine: readonly unknown[] };

/**
 * The CSV formats a header can belong to, each tried by its own parser on the header alone: a parser that reads
 * the header without refusing it (every required column present, aliases included) recognises the file.
 */
const CSV_FORMATS: readonly [string, CsvReader][] = [
  ['cqc-register', parseCqcRegister],
  ['capacity-tracker', parseCapacityTracker],
  ['safeguarding', parseSafeguardingReturn],
  ['commissioner-actions', parseCommissionerActions],
  [PLACEMENTS_PREFIX, parsePlacements],
];

function acceptsHeader(parse: CsvReader, header: string, context: ParseContext): boolean {
  try {
    return parse(header, context).quarantine.length === 0;
  } catch {
    // The register refuses a header that is not its own by throwing.
    return false;
  }
}

function recogniseCsv(text: string, context: ParseContext): string | Refusal {
  const header = withoutBom(text).split(/\r?\n/, 1)[0] ?? '';
  const matches = CSV_FORMATS.filter(([, parse]) => acceptsHeader(parse, header, context)).map(([source]) => source);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) return { error: `unrecognised file: its CSV header fits more than one format (${matches.join(', ')})` };
  return {
    // The header itself is not quoted: a file without one would show its first row, which may name a person.
    error: `unrecognised file: its CSV header has the required columns of no known format (${CSV_FORMATS.map(([source]) => source).join(', ')})`,
  };
}

/** The JSON shapes by their identifying keys: a CQC API location, a Companies House resource or the fetcher's envelope. */
const JSON_SHAPES: readonly [string, readonly string[]][] = [
  ['cqc-api', ['locationId', 'registrationStatus']],
  ['companies-house', ['profile']],
  ['companies-house', ['company_number', 'company_status']],
  ['companies-house', ['cases']],
];

function recogniseJson(text: string): string | Refusal {
  const { documents, unreadable } = jsonDocuments(text);
  const first = documents.find((document) => isObject(document.json))?.json;
  if (!isObject(first)) {
    if (unreadable.length > 0) return { error: 'unrecognised file: not valid JSON' };
    return { error: documents.length === 0 ? 'unrecognised file: an empty JSON list names no source' : 'unrecognised file: it holds no JSON object' };
  }
  const shape = JSON_SHAPES.find(([, keys]) => keys.every((key) => Object.hasOwn(first, key)));
  if (shape) return shape[0];
  return {
    error:
      'unrecognised file: a JSON object of no known shape (a CQC API location has locationId and registrationStatus; ' +
      'a Companies House profile company_number and company_status; an insolvency resource cases)',
  };
}

/** JSON by its first character; anything else is read as CSV. */
export const isJsonText = (text: string): boolean => /^[[{]/.test(withoutBom(text).trimStart());

/** A file's source from its content: JSON by its shape, anything else as CSV by its header. */
function recogniseContent(text: string, context: ParseContext): string | Refusal {
  if (withoutBom(text).trim() === '') return { error: 'unrecognised file: it is empty' };
  return isJsonText(text) ? recogniseJson(text) : recogniseCsv(text, context);
}

/** The source and snapshot date of a landed file, or why it cannot be read. Pure: the key and the text only. */
export function recogniseSource(key: string, text: string): RecognisedFile | Refusal {
  const sourceKey = SOURCE_KEY.exec(key);
  if (sourceKey) {
    const [, source, snapshotOn] = sourceKey as unknown as [string, string, string];
    if (source !== PLACEMENTS_PREFIX && signalParser(source) === undefined) {
      return { error: `unknown source ${shown(source)}; known: ${[...Object.keys(SIGNAL_SOURCES), PLACEMENTS_PREFIX].join(', ')}` };
    }
    return realDate(snapshotOn, key) ?? { source, snapshotOn, dated: false };
  }
  const deliveryKey = DELIVERY_KEY.exec(key);
  if (!deliveryKey) return { error: `object key ${shown(key)} is neither <source>/<YYYY-MM-DD>/<file> nor <YYYY-MM-DD>/<path>` };
  const snapshotOn = deliveryKey[1]!;
  const badDate = realDate(snapshotOn, key);
  if (badDate) return badDate;
  const source = recogniseContent(text, { origin: key, receivedOn: snapshotOn, snapshotOn });
  return typeof source === 'string' ? { source, snapshotOn, dated: true } : source;
}
