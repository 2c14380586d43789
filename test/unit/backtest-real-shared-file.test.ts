import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baselineAuc, readRatingHistory, sampleLocationQuarters } from '../../cli/backtest/real-history.js';

// The repo is cloned beside the shared data folder, here and on CI.
const FILE = fileURLToPath(new URL('../../../shared/data/cqc-history/community-services-ratings.csv', import.meta.url));

describe('the real rating history', () => {
  it("gives the data README's naive baseline AUC of about 0.70", () => {
    // Prepare
    if (!existsSync(FILE)) throw new Error(`The shared CQC rating history is missing at ${FILE}: clone the repo beside the shared folder (../shared/data/cqc-history/).`);
    const history = readRatingHistory(readFileSync(FILE, 'utf8'), { origin: FILE, receivedOn: new Date().toISOString().slice(0, 10) });

    // Act
    const quarters = sampleLocationQuarters(history.locations);
    const value = baselineAuc(quarters, 'inadequate');

    // Assess: "about 0.70 (800 events among about 116,000 location-quarters)"
    expect(value).toBeGreaterThan(0.694);
    expect(value).toBeLessThan(0.704);
    expect(quarters.length).toBeGreaterThan(112_000);
    expect(quarters.length).toBeLessThan(120_000);
    expect(quarters.filter((q) => q.inadequateWithin).length).toBeGreaterThan(760);
    expect(quarters.filter((q) => q.inadequateWithin).length).toBeLessThan(840);
  });
});
