// Which half of the real rating file a location falls in. The rating part is fitted on the training half only;
// the other half is held out for reporting (the fit's summary and the real-data backtest).
import { createHash } from 'node:crypto';

/**
 * A location is in the training half when the SHA-1 of its id, read as a big-endian number, is even (its last
 * byte is even). SHA-1 rather than FNV-1a, whose lowest bit is only the parity of how many of the id's bytes
 * are odd, so ids that are rearrangements of each other would always land together.
 */
export function inTrainingHalf(locationId: string): boolean {
  const digest = createHash('sha1').update(locationId, 'utf8').digest();
  return digest[digest.length - 1]! % 2 === 0;
}

export const SPLIT_RULE = 'training half: SHA-1 of the location id (UTF-8), read as a big-endian number, is even; held-out half: odd';
