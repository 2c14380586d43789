// The pure parts of fetching: the token bucket on a fake clock, keys from configuration, and what the fetch
// use case lands and reports, on in-memory fakes of the two APIs.
import { describe, expect, it } from 'vitest';
import { companiesForDay, fetchSources } from '../../functions/fetch-sources/fetch.js';
import { CompaniesHouseClient } from '../../shared/adapters/http/companies-house-client.js';
import { CqcApiClient } from '../../shared/adapters/http/cqc-api-client.js';
import { TokenBucket, type Timer } from '../../shared/adapters/http/token-bucket.js';
import { addDays } from '../../shared/domain/dates.js';

/** A clock that moves only when told; each wait is recorded and ends at once. */
function fakeTimer() {
  const timer = { at: 0, waits: [] as number[], now: () => timer.at, sleep: async (ms: number) => void timer.waits.push(ms) };
  return timer satisfies Timer;
}

describe('token bucket', () => {
  it('lets a burst through, then spaces requests one interval apart', async () => {
    // Prepare
    const timer = fakeTimer();
    const bucket = new TokenBucket({ requests: 10, perMs: 1000, burst: 2 }, timer);

    // Act
    for (let n = 0; n < 4; n++) await bucket.take();
    timer.at = 1000;
    await bucket.take();

    // Assess: two free, then 100 ms and 200 ms behind; a second later the bucket has refilled.
    expect(timer.waits).toEqual([100, 200]);
  });

  it('queues concurrent callers behind each other without polling', async () => {
    // Prepare
    const timer = fakeTimer();
    const bucket = new TokenBucket({ requests: 1, perMs: 50, burst: 1 }, timer);

    // Act
    await Promise.all([1, 2, 3, 4].map(() => bucket.take()));

    // Assess
    expect(timer.waits).toEqual([50, 100, 150]);
  });
});

describe('keys from configuration', () => {
  it.each([
    ['CQC_API_KEY', () => new CqcApiClient({ env: {} })],
    ['COMPANIES_HOUSE_API_KEY', () => new CompaniesHouseClient({ env: {} })],
  ])('a missing key names %s', (variable, build) => {
    // Prepare, Act, Assess
    expect(build).toThrow(`${variable} is not set`);
  });

  it('reads the key from the environment when none is given', () => {
    // Prepare, Act, Assess
    expect(() => new CqcApiClient({ env: { CQC_API_KEY: 'from-env' } })).not.toThrow();
  });
});

describe('fetching for given companies', () => {
  it('normalises the numbers, asks once each, and asks no insolvency of a company Companies House does not know', async () => {
    // Prepare
    const asked: string[] = [];
    const landed: string[] = [];
    const companiesHouse = {
      profileBody: async (number: string) => (asked.push(number), number === '00000001' ? undefined : `{"company_number":"${number}"}`),
      insolvencyBody: async (number: string) => (asked.push(`${number}/insolvency`), undefined),
    };
    const cqc = { changedLocationIds: async () => [], locationBody: async () => undefined };
    const landing = { putText: async (_bucket: string, key: string) => void landed.push(key) };

    // Act
    const report = await fetchSources({ cqc, companiesHouse, landing }, 'landing', {
      window: { start: '2025-10-14T00:00:00Z', end: '2025-10-15T00:00:00Z' },
      deliveredOn: '2025-10-15',
      companyNumbers: [' sc123456 ', 'SC123456', '1234567', '1', '../../etc', '123456789'],
      concurrency: 1,
    });

    // Assess
    expect(asked).toEqual(['SC123456', 'SC123456/insolvency', '01234567', '01234567/insolvency', '00000001']);
    expect(landed).toEqual(['2025-10-15/companies-house/SC123456.json', '2025-10-15/companies-house/01234567.json']);
    expect(report).toMatchObject({ companiesLanded: 2, companiesNotFound: ['00000001'], insolvenciesLanded: 0, invalidCompanyNumbers: ['../../etc', '123456789'] });
  });

  it('takes every company in turn, once each, over as many days as the turns need', () => {
    // Prepare
    const numbers = Array.from({ length: 25 }, (_, n) => String(n).padStart(8, '0'));

    // Act
    const days = [0, 1, 2].map((n) => companiesForDay([...numbers, numbers[0] as string], addDays('2025-10-15', n), 10));

    // Assess
    expect(days.map((day) => day.length).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    expect(days.flat().sort()).toEqual(numbers);
  });
});
