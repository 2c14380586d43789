import { describe, expect, it } from 'vitest';
import { bandReason, bandRun, LIKELIHOOD_REASON } from '../../shared/domain/band-history.js';
import { bandOf } from '../../shared/domain/scoring.js';
import { MODEL } from '../support/fixtures.js';

describe('bandRun', () => {
  it('dates the current band from the first day of its unbroken run and names the band before it', () => {
    // Prepare: Green, Amber, Red, Red, then Red again today
    const history = [
      { asOf: '2025-06-01', band: 'Green' },
      { asOf: '2025-07-01', band: 'Amber' },
      { asOf: '2025-08-01', band: 'Red' },
      { asOf: '2025-09-01', band: 'Red' },
    ] as const;

    // Act
    const run = bandRun(history, { asOf: '2025-10-01', band: 'Red' });

    // Assess
    expect(run).toEqual({ bandSince: '2025-08-01', previousBand: 'Amber' });
  });

  it('starts a new run on a change today, ignores later history and needs no order', () => {
    // Prepare
    const history = [
      { asOf: '2025-11-01', band: 'Amber' },
      { asOf: '2025-09-01', band: 'Red' },
      { asOf: '2025-08-01', band: 'Red' },
    ] as const;

    // Act
    const run = bandRun(history, { asOf: '2025-10-01', band: 'Green' });

    // Assess
    expect(run).toEqual({ bandSince: '2025-10-01', previousBand: 'Red' });
  });

  it('has no previous band for a subject only ever in one band, or with no stored history', () => {
    // Act
    const always = bandRun([{ asOf: '2025-09-01', band: 'Amber' }, { asOf: '2025-10-01', band: 'Amber' }], { asOf: '2025-10-01', band: 'Amber' });
    const first = bandRun([], { asOf: '2025-10-01', band: 'Green' });

    // Assess
    expect(always).toEqual({ bandSince: '2025-09-01', previousBand: null });
    expect(first).toEqual({ bandSince: '2025-10-01', previousBand: null });
  });
});

describe('bandReason', () => {
  const { amberFrom, redFrom } = MODEL.bands;

  it('names the hard trigger that pinned Red, whatever the likelihood', () => {
    // Act
    const reason = bandReason({ band: 'Red', likelihood: 0, hardTriggers: ['Inadequate overall rating', 'Council contract suspended'] }, MODEL);

    // Assess
    expect(reason).toBe('Red by hard trigger: Inadequate overall rating; Council contract suspended');
  });

  it('says when High impact raised the likelihood band', () => {
    // Prepare: a Green likelihood whose band is Amber (impact alone)
    const likelihood = amberFrom - 1;
    expect(bandOf(likelihood, 'Low', false, MODEL)).toBe('Green');

    // Act
    const reason = bandReason({ band: 'Amber', likelihood, hardTriggers: [] }, MODEL);

    // Assess
    expect(reason).toBe('Band raised from Green to Amber by High impact');
  });

  it('is the likelihood when the band is the likelihood band', () => {
    // Act
    const reasons = [bandReason({ band: 'Red', likelihood: redFrom, hardTriggers: [] }, MODEL), bandReason({ band: 'Amber', likelihood: amberFrom, hardTriggers: [] }, MODEL)];

    // Assess
    expect(reasons).toEqual([LIKELIHOOD_REASON, LIKELIHOOD_REASON]);
  });
});
