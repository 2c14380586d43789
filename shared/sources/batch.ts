// What every source parser returns: the good records, ready to store, and every bad one quarantined
// with its row, field and reason. Nothing is dropped silently.
import type { Group, IsoDate, Location, Provider, QuarantineRecord, RegistrationLink, Signal } from '../domain/model.js';

export interface ParsedBatch {
  signals: Signal[];
  locations: Location[];
  providers: Provider[];
  groups: Group[];
  /** Links between registrations the file states (the CQC API's `relationships`). */
  links?: RegistrationLink[];
  quarantine: QuarantineRecord[];
  /** A CSV header's columns the parser never read, personal data included: named in the ingest report only. */
  ignoredColumns?: string[];
}

export interface ParseContext {
  /** The file or object the text came from (an S3 key); named in every quarantine record. */
  origin: string;
  /** The day the pipeline received the file. Dates after it are impossible and quarantined. */
  receivedOn: IsoDate;
  /** For snapshot sources: the date the snapshot describes (part of each signal's natural id). */
  snapshotOn: IsoDate;
  /**
   * The providers known for each normalised Companies House number (from the register): how the API's company
   * files, which name no provider, find theirs. Without it they cannot be matched and are quarantined.
   */
  providersByCompanyNumber?: ReadonlyMap<string, readonly string[]>;
}

export type SourceParser = (text: string, context: ParseContext) => ParsedBatch;

export const emptyBatch = (): ParsedBatch => ({ signals: [], locations: [], providers: [], groups: [], quarantine: [] });

export interface ZodLikeIssue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
}

/** A readable "field: reason" from a zod issue; zod/mini's own messages say only "Invalid input". */
export function describeIssue(issue: ZodLikeIssue): { field: string; reason: string } {
  const field = issue.path.map(String).join('.') || '(record)';
  const detail = issue.message === 'Invalid input' && issue.code ? issue.code.replace(/_/g, ' ') : issue.message;
  return { field, reason: detail };
}
