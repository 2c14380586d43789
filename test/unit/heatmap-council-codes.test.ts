import { describe, expect, it } from 'vitest';
import { COUNCIL_CODES } from '../../shared/domain/council-codes.js';
import { COUNCILS } from '../../shared/domain/councils.js';

describe('COUNCIL_CODES', () => {
  it('gives each of the 153 councils its own code of 3 or 4 capital letters', () => {
    // Act
    const codes = COUNCILS.map((council) => COUNCIL_CODES.get(council.gss));

    // Assess
    expect(codes).toHaveLength(153);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{3,4}$/);
    expect(new Set(codes).size).toBe(153);
  });

  it('reads as the council: initials of a many-word name, else its first letters', () => {
    // Act
    const byName = (name: string) => COUNCIL_CODES.get(COUNCILS.find((c) => c.name === name)!.gss);

    // Assess
    expect([byName('Leeds'), byName('North East Lincolnshire'), byName('Bournemouth, Christchurch and Poole'), byName('Milton Keynes')]).toEqual(['LEE', 'NEL', 'BCP', 'MKE']);
  });
});
