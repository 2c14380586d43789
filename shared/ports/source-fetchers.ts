// What the fetch use case needs from the publishers' APIs. A body is the response text exactly as the
// publisher sent it, so fetched files and delivered files go through the same parsers; undefined is the
// publisher's 404 ("no such location", "no insolvency"), which is an answer, not a failure.

/** ISO 8601 timestamps, as CQC's changes endpoint takes them. */
export interface TimeWindow {
  start: string;
  end: string;
}

export interface CqcChangesSource {
  /** Every location id CQC lists as changed in the window, once each, across all pages. */
  changedLocationIds(window: TimeWindow): Promise<string[]>;
  locationBody(locationId: string): Promise<string | undefined>;
}

export interface CompaniesHouseSource {
  profileBody(companyNumber: string): Promise<string | undefined>;
  insolvencyBody(companyNumber: string): Promise<string | undefined>;
}
