import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { scoresCsv } from '../../cli/local/outputs.js';
import { assessment, LEEDS, location, LOCATION_ID, MODEL, provider, PROVIDER_ID } from '../support/fixtures.js';

describe('scoresCsv', () => {
  // A home named to attack whoever opens the file in a spreadsheet, run by a provider named likewise.
  const home = location({ name: '=HYPERLINK("http://x","y")', serviceKind: 'nursing-home' });
  const owner = provider({ name: '@SUM(1+1)' });
  const redHome = assessment({
    subject: { type: 'location', id: LOCATION_ID },
    name: home.name,
    asOf: '2025-10-01',
    band: 'Red',
    likelihood: MODEL.bands.amberFrom,
    impact: 'High',
    councils: [LEEDS],
  });
  const providerRow = assessment({ subject: { type: 'provider', id: PROVIDER_ID }, name: owner.name, asOf: '2025-10-01', band: 'Amber', likelihood: MODEL.bands.amberFrom });
  const context = {
    locations: new Map([[home.locationId, home]]),
    providers: new Map([[owner.providerId, owner]]),
    history: new Map([
      [`location#${LOCATION_ID}`, { bands: [{ asOf: '2025-08-01', band: 'Green' as const }, { asOf: '2025-09-01', band: 'Red' as const }], openEpisodeId: 'EP-1' }],
    ]),
  };

  it('says since when and why each subject is in its band, its open episode, and names beside codes', () => {
    // Act
    const rows = parse(scoresCsv({ locations: [redHome], providers: [providerRow], groups: [] }, context), { columns: true }) as Record<string, string>[];

    // Assess
    expect(rows[0]).toMatchObject({
      subject_type: 'location',
      provider_id: PROVIDER_ID,
      provider_name: `'@SUM(1+1)`,
      service_type: 'nursing-home',
      band: 'Red',
      band_since: '2025-09-01',
      previous_band: 'Green',
      band_reason: 'Band raised from Amber to Red by High impact',
      episode_id: 'EP-1',
      councils: LEEDS,
      council_names: 'Leeds',
    });
    expect(rows[1]).toMatchObject({ subject_type: 'provider', provider_name: '', band_since: '2025-10-01', previous_band: '', band_reason: 'likelihood', episode_id: '' });
  });

  it('writes a location named as a formula as harmless text, and numbers as numbers', () => {
    // Act
    const csv = scoresCsv({ locations: [redHome], providers: [providerRow], groups: [] }, context);

    // Assess
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(row!.name).toBe(`'=HYPERLINK("http://x","y")`);
    expect(row!.likelihood).toBe(String(MODEL.bands.amberFrom));
    expect(csv).not.toMatch(/(^|,)"?[=+@]/m);
  });
});
