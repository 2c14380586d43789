// Companies House's public data API: a company's profile and its insolvency resource, as published.
import type { CompaniesHouseSource } from '../../ports/source-fetchers.js';
import { apiKey, RateLimitedHttp, type ApiClientOptions } from './rate-limited-http.js';
import type { RateLimit } from './token-bucket.js';

export const COMPANIES_HOUSE_API_KEY_ENV = 'COMPANIES_HOUSE_API_KEY';
const COMPANIES_HOUSE_BASE_URL = 'https://api.company-information.service.gov.uk';
/** Companies House allows 600 requests in any 5 minutes per key. */
const COMPANIES_HOUSE_RATE: RateLimit = { requests: 600, perMs: 300_000, burst: 10 };

export class CompaniesHouseClient implements CompaniesHouseSource {
  private readonly http: RateLimitedHttp;

  constructor(options: ApiClientOptions = {}) {
    // HTTP basic auth with the key as the user name and an empty password.
    const credentials = Buffer.from(`${apiKey(COMPANIES_HOUSE_API_KEY_ENV, options)}:`).toString('base64');
    this.http = new RateLimitedHttp(options.baseUrl ?? COMPANIES_HOUSE_BASE_URL, { Authorization: `Basic ${credentials}` }, options, COMPANIES_HOUSE_RATE);
  }

  profileBody(companyNumber: string): Promise<string | undefined> {
    return this.http.getText(`/company/${encodeURIComponent(companyNumber)}`);
  }

  insolvencyBody(companyNumber: string): Promise<string | undefined> {
    return this.http.getText(`/company/${encodeURIComponent(companyNumber)}/insolvency`);
  }
}
