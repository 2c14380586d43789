// Who may see what on the dashboard, by the protocol's own rules: a council sees the services in its area
// (as host council) and those it places residents at (as placing council); an ADASS network sees its region
// at the classes the protocol grants networks; national oversight sees everything; anyone else sees the
// aggregate map only. Decided here, on the server, for every request: a page a viewer may not see is a 403.
import { councilByGss } from '../councils.js';
import type { Notification, Acknowledgement } from '../episode.js';
import type { Family, Location, SignalKind } from '../model.js';
import type { DisclosableFieldClass, EscalationParty, Protocol, RecipientKind } from '../protocol.js';

/** A signed-in party of the protocol, or anyone else (no token, or a token naming no party). */
export type Viewer = EscalationParty | { readonly kind: 'public' };

export const PUBLIC_VIEWER: Viewer = { kind: 'public' };

/** May the viewer open the council's detail page (its services, their bands and reasons)? */
export function mayOpenCouncil(viewer: Viewer, gss: string): boolean {
  switch (viewer.kind) {
    case 'national':
      return true;
    case 'council':
      return viewer.id === gss;
    case 'adass-network':
      return councilByGss(gss)?.region === viewer.region;
    case 'public':
      return false;
  }
}

/**
 * The capacity in which the viewer sees a location, which fixes the field classes it is entitled to; none
 * when it may not see it. `placingCouncils` are the councils placing residents there.
 */
export function capacityFor(viewer: Viewer, location: Pick<Location, 'councilGss' | 'region'>, placingCouncils: readonly string[]): RecipientKind | undefined {
  switch (viewer.kind) {
    case 'national':
      return 'national';
    case 'council':
      if (location.councilGss === viewer.id) return 'host-council';
      return placingCouncils.includes(viewer.id) ? 'placing-council' : undefined;
    case 'adass-network':
      return location.region === viewer.region ? 'adass-network' : undefined;
    case 'public':
      return undefined;
  }
}

export interface SeenLocation {
  location: Location;
  capacity: RecipientKind;
}

/** The locations the viewer may see, each with the capacity it sees it in; `placing` by location id. */
export function seenLocations(viewer: Viewer, locations: readonly Location[], placing: ReadonlyMap<string, readonly string[]>): SeenLocation[] {
  return locations.flatMap((location) => {
    const capacity = capacityFor(viewer, location, placing.get(location.locationId) ?? []);
    return capacity ? [{ location, capacity }] : [];
  });
}

/** Every class the viewer holds in any of its capacities (a provider seen as host in one place, placing in another). */
export function classesFor(capacities: readonly RecipientKind[], protocol: Protocol): Set<DisclosableFieldClass> {
  return new Set(capacities.flatMap((capacity) => protocol.disclosure[capacity] ?? []));
}

/** The class of a factor's evidence, as the protocol's field classes list it (`evidence[family=...]`). */
export function classOfFamily(family: Family): DisclosableFieldClass {
  if (family === 'financial') return 'commercially-sensitive';
  if (family === 'occupancy' || family === 'workforce') return 'operational';
  return 'official';
}

/** The class of a signal on a timeline: the same classes as the evidence it becomes. */
export function classOfSignal(kind: SignalKind): DisclosableFieldClass {
  switch (kind) {
    case 'financial-indicator':
    case 'insolvency-cases':
      return 'commercially-sensitive';
    case 'capacity-return':
      return 'operational';
    case 'rating':
    case 'registration':
    case 'registered-manager':
    case 'commissioner-action':
      return 'public';
    case 'safeguarding-concern':
      return 'official';
  }
}

/**
 * The notifications of an episode the viewer may see, by the audit trail's rules: national oversight all;
 * a council those addressed to itself; a network those to itself or a council of its region, at the tiers
 * the protocol lists for networks. Who else was told is not the viewer's to know.
 */
export function visibleToViewer(viewer: Viewer, recipientId: string, tier: string, protocol: Protocol): boolean {
  switch (viewer.kind) {
    case 'national':
      return true;
    case 'council':
      return recipientId === viewer.id;
    case 'adass-network': {
      const inRegion = recipientId === viewer.id || councilByGss(recipientId)?.region === viewer.region;
      return inRegion && (protocol.audit.adassNetworkTiers as readonly string[]).includes(tier);
    }
    case 'public':
      return false;
  }
}

export const visibleNotifications = (viewer: Viewer, notifications: readonly Notification[], protocol: Protocol): Notification[] =>
  notifications.filter((n) => visibleToViewer(viewer, n.recipient.id, n.tier, protocol));

export const visibleAcknowledgements = (viewer: Viewer, acknowledgements: readonly Acknowledgement[], protocol: Protocol): Acknowledgement[] =>
  acknowledgements.filter((a) => visibleToViewer(viewer, a.recipientId, a.tier, protocol));

/** Words for the viewer, shown on every page so a person knows what they are looking at. */
export function describeViewer(viewer: Viewer): string {
  switch (viewer.kind) {
    case 'national':
      return 'national market oversight: every council';
    case 'council':
      return `${councilByGss(viewer.id)?.name ?? viewer.id}: its own services and those it places residents at`;
    case 'adass-network':
      return `ADASS ${viewer.region}: the councils of the region`;
    case 'public':
      return 'not signed in: the aggregate map only';
  }
}
