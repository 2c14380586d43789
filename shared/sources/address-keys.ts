// The address keys that tell a change of owner from a closure (shared/domain/registration-matching.ts), written
// alike whichever CQC source gives them, so the register's UPRN meets the API's and one postcode meets another.

/**
 * A UPRN as its digits without leading zeros (some systems pad it to 12), from text or a JSON number; undefined
 * for anything else (a fraction, a sign, letters, zero).
 */
export function uprnFrom(value: string | number): string | undefined {
  const digits = typeof value === 'number' ? (Number.isSafeInteger(value) && value > 0 ? String(value) : '') : value.trim();
  if (!/^\d{1,12}$/.test(digits)) return undefined;
  return digits.replace(/^0+/, '') || undefined;
}

/** A UK postcode's shape, spaces removed: outward code (area, district), then inward code (sector digit, unit). */
const COMPACT_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/;

/** A postcode in capitals with one space before its inward code ("bn14  9lb" is BN14 9LB); undefined if it is not one. */
export function postcodeFrom(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return COMPACT_POSTCODE.test(compact) ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : undefined;
}
