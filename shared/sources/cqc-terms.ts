// CQC's own vocabulary, read the same way from the register extract and the API: ratings as CQC spells them,
// the service types that make a care home or home care, and the size bands by beds.
import { RATINGS, type Rating, type ServiceKind, type SizeBand } from '../domain/model.js';

const NOT_RATED = ['', 'inspected but not rated', 'no published rating', 'insufficient evidence to rate', 'not rated'];
/** CQC writes "Requires Improvement" and "Requires improvement" in the same file, so ratings match in any case. */
const RATING_BY_TEXT = new Map<string, Rating | null>([
  ...RATINGS.map((rating) => [rating.toLowerCase(), rating] as const),
  ...NOT_RATED.map((text) => [text, null] as const),
]);

/** The rating a text names, null for CQC's "no rating" phrases, undefined for anything else. */
export const ratingFromText = (text: string): Rating | null | undefined => RATING_BY_TEXT.get(text.trim().toLowerCase());

const HOME_CARE_SERVICE_TYPES = ['Domiciliary care service', 'Supported living service', 'Extra Care housing services'];

/** The kind of service from its CQC service types (the register's and the API's `gacServiceTypes` descriptions). */
export function serviceKindOf(serviceTypes: readonly string[]): ServiceKind {
  const types = new Set(serviceTypes);
  if (types.has('Care home service with nursing')) return 'nursing-home';
  if (types.has('Care home service without nursing')) return 'residential-home';
  if (HOME_CARE_SERVICE_TYPES.some((type) => types.has(type))) return 'home-care';
  return 'community-other';
}

export function sizeBandOf(beds: number): SizeBand | null {
  if (beds === 0) return null;
  if (beds < 10) return 'small';
  return beds < 50 ? 'medium' : 'large';
}
