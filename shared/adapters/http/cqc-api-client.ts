// CQC's public API: which locations changed in a window, then each location as the API publishes it.
import * as z from 'zod/mini';
import { CqcId } from '../../domain/model.js';
import type { CqcChangesSource, TimeWindow } from '../../ports/source-fetchers.js';
import { apiKey, HttpFailure, RateLimitedHttp, type ApiClientOptions } from './rate-limited-http.js';
import type { RateLimit } from './token-bucket.js';

export const CQC_API_KEY_ENV = 'CQC_API_KEY';
const CQC_API_BASE_URL = 'https://api.service.cqc.org.uk/public/v1';
/** About 2,000 calls a minute is what CQC's users keep to. */
const CQC_API_RATE: RateLimit = { requests: 2000, perMs: 60_000, burst: 20 };
const CHANGES_PATH = '/changes/location';

// Ids are checked before they go into a URL path or a landing key.
const ChangesPage = z.object({ changes: z.array(CqcId), page: z.int(), totalPages: z.int() });
type ChangesPage = z.infer<typeof ChangesPage>;

export interface CqcApiClientOptions extends ApiClientOptions {
  perPage?: number;
}

export class CqcApiClient implements CqcChangesSource {
  private readonly http: RateLimitedHttp;
  private readonly perPage: number;

  constructor(options: CqcApiClientOptions = {}) {
    const headers = { 'Ocp-Apim-Subscription-Key': apiKey(CQC_API_KEY_ENV, options) };
    this.http = new RateLimitedHttp(options.baseUrl ?? CQC_API_BASE_URL, headers, options, CQC_API_RATE);
    this.perPage = options.perPage ?? 1000;
  }

  async changedLocationIds(window: TimeWindow): Promise<string[]> {
    const ids = new Set<string>();
    for (let page = 1, totalPages = 1; page <= totalPages; page++) {
      const result = await this.changesPage(window, page);
      for (const id of result.changes) ids.add(id);
      totalPages = result.totalPages;
    }
    return [...ids];
  }

  locationBody(locationId: string): Promise<string | undefined> {
    return this.http.getText(`/locations/${encodeURIComponent(locationId)}`);
  }

  private async changesPage(window: TimeWindow, page: number): Promise<ChangesPage> {
    const query = { startTimestamp: window.start, endTimestamp: window.end, page: String(page), perPage: String(this.perPage) };
    const body = await this.http.getText(CHANGES_PATH, query);
    const what = `GET ${CHANGES_PATH} page ${page}`;
    if (body === undefined) throw new HttpFailure(`${what} answered HTTP 404`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new HttpFailure(`${what} answered a body that is not JSON`);
    }
    const parsed = ChangesPage.safeParse(json);
    if (!parsed.success) throw new HttpFailure(`${what} has an unexpected shape: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}
