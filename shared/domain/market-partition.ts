// The market in parts that can be scored one at a time with the same result as the whole. A provider's
// roll-up needs every one of its locations, so a part holds whole providers. A successor's score needs its
// predecessors' signals, and a predecessor may be under another provider in another part: each part names
// those registrations, to be read with it. Providers are not joined by their links instead: in England's
// market the changes of owner chain a fifth of all locations into one set.
import type { IsoDate, Location, Provider, RegistrationLink } from './model.js';
import { ancestorsOf, successionAt } from './succession.js';

export interface MarketPart {
  /** In the market's order, so a roll-up takes its members as a whole-market scoring would. */
  locations: Location[];
  providers: Provider[];
  /** Listed registrations outside the part whose history a location of the part carries as their successor. */
  predecessorIds: string[];
}

/**
 * Whole providers, in the order the market first names them, packed into parts of at least `locationsPerPart`
 * locations where there are enough; a provider with more is a part of its own. A provider without locations,
 * or a location whose provider is not listed, still falls in exactly one part.
 */
export function partitionMarket(
  market: { locations: readonly Location[]; providers: readonly Provider[]; links: readonly RegistrationLink[] },
  asOf: IsoDate,
  locationsPerPart: number,
): MarketPart[] {
  const homes = new Map<string, number>();
  for (const l of market.locations) homes.set(l.providerId, (homes.get(l.providerId) ?? 0) + 1);
  for (const p of market.providers) if (!homes.has(p.providerId)) homes.set(p.providerId, 0);
  const partOf = new Map<string, number>();
  let part = 0;
  let filled = 0;
  for (const [providerId, count] of homes) {
    if (filled >= locationsPerPart) [part, filled] = [part + 1, 0];
    partOf.set(providerId, part);
    filled += count;
  }
  const parts: MarketPart[] = Array.from({ length: homes.size > 0 ? part + 1 : 0 }, () => ({ locations: [], providers: [], predecessorIds: [] }));
  for (const l of market.locations) parts[partOf.get(l.providerId)!]!.locations.push(l);
  for (const p of market.providers) parts[partOf.get(p.providerId)!]!.providers.push(p);

  const succession = successionAt(market.links, asOf);
  const listed = new Set(market.locations.map((l) => l.locationId));
  for (const p of parts) {
    const inPart = new Set(p.locations.map((l) => l.locationId));
    const ancestors = p.locations.flatMap((l) => ancestorsOf(l.locationId, succession).map((link) => link.predecessorId));
    // An unlisted registration has no signals a whole-market scoring would read.
    p.predecessorIds = [...new Set(ancestors)].filter((id) => listed.has(id) && !inPart.has(id));
  }
  return parts;
}
