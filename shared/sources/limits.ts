// The sizes hostile or broken input may not exceed, in one place for every reader. A value over a limit
// quarantines its record, never the file, so one bad cell cannot make DynamoDB refuse a whole batch; a file
// over its limit is refused whole before it is parsed.
import { Buffer } from 'node:buffer';

const MB = 1024 * 1024;

/**
 * The largest file a reader parses, by format. The national register extract (about 30,000 rows of about 650
 * bytes) is about 20 MB; a national Companies House fetch (a line of about 700 bytes per company) about 10 MB.
 * The ingest Lambda (1 GB) holds the text and its parse at once, and JSON.parse costs several times the text.
 */
export const MAX_FILE_BYTES = { csv: 50 * MB, json: 25 * MB } as const;

/** A name (of a location, provider or brand) longer than this is not a name: the register sample's longest has 83 characters. */
export const MAX_NAME_CHARS = 300;

/** Any one field read: far above any real value, far below the 400 KB DynamoDB allows for a whole item. */
export const MAX_FIELD_BYTES = 4 * 1024;

/** How much of a value a reason quotes: enough to find it in the file, too little to carry a paragraph of personal data. */
export const QUOTED_CHARS = 80;

/**
 * A longer record id is not kept: it is part of the quarantine item's sort key, which DynamoDB caps at 1,024
 * bytes together with the file's key and the row. Real ids (a CQC id, a council's concern id) are far shorter.
 */
export const MAX_RECORD_ID_CHARS = 100;

/** A reason lists this many problems at most, so a document with thousands of bad entries still makes one small item. */
export const MAX_LISTED_PROBLEMS = 20;

/** Why a file of this many bytes is refused whole, or null when it may be read. */
export function fileSizeProblem(bytes: number, format: keyof typeof MAX_FILE_BYTES): string | null {
  const limit = MAX_FILE_BYTES[format];
  return bytes > limit ? `the file is ${(bytes / MB).toFixed(1)} MB, over the ${limit / MB} MB limit for one ${format.toUpperCase()} file` : null;
}

/** Why a field's value is too long to keep, or null. The value itself is not quoted: its size says enough. */
export function fieldSizeProblem(value: string, isName: boolean): string | null {
  if (isName && value.length > MAX_NAME_CHARS) return `${value.length} characters, over the ${MAX_NAME_CHARS} a name may have`;
  const bytes = Buffer.byteLength(value);
  return bytes > MAX_FIELD_BYTES ? `${bytes} bytes, over the ${MAX_FIELD_BYTES} a field may have` : null;
}

/** A record id fit for a quarantine key, or null when it is too long to be a real one. */
export const keptRecordId = (recordId: string | null): string | null =>
  recordId !== null && recordId.length <= MAX_RECORD_ID_CHARS ? recordId : null;
