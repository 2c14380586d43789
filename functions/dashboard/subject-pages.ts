// The location, provider and group pages: find the subject, decide in which capacities the viewer sees it
// (none: 403), and gather its history, the signals its classes allow and its episode.
import pMap from 'p-map';
import { councilByGss } from '../../shared/domain/councils.js';
import { classesFor, mayOpenCouncil, type SeenLocation, seenLocations, type Viewer } from '../../shared/domain/dashboard/access.js';
import { serviceKindLabel } from '../../shared/domain/dashboard/council-page.js';
import { bandRun, topReasons } from '../../shared/domain/dashboard/history.js';
import { cqcPage, type RelatedItem, renderSubjectPage, type SubjectPageInput } from '../../shared/domain/dashboard/subject-page.js';
import { byDateDescending, EVENT_KINDS, type EventKind, episodeEvents, signalEvents, type TimelineEvent } from '../../shared/domain/dashboard/timeline.js';
import type { Location, RiskAssessment, Subject } from '../../shared/domain/model.js';
import { NOT_YET_SCORED, type PageResult } from './pages.js';
import { latestAsOf, placingCouncilsByLocation, READ_CONCURRENCY, type DashboardPorts } from './ports.js';

export type SubjectType = 'location' | 'provider' | 'group';

/** A subject the viewer may see: its name, the facts under it, what it is part of, and its seen locations. */
interface Found {
  name: string;
  facts: [string, string][];
  seen: SeenLocation[];
  /** How many locations it has in all, to say when some are outside the viewer's access. */
  total: number;
  related: { heading: string; items: RelatedItem[] }[];
  /** Whose signals make its timeline, besides its own. */
  alsoSignalsOf: { subject: Subject; about: string }[];
  cqcUrl: string | null;
}

const councilsOf = (viewer: Viewer, seen: readonly SeenLocation[]): RelatedItem[] =>
  [...new Set(seen.map((s) => s.location.councilGss))].sort().map((gss) => ({
    href: mayOpenCouncil(viewer, gss) ? `/councils/${gss}` : null,
    name: councilByGss(gss)?.name ?? gss,
  }));

type Lookup = (ports: DashboardPorts, viewer: Viewer, id: string, latest: ReadonlyMap<string, RiskAssessment>) => Promise<Found | undefined>;

const bandOf = (latest: ReadonlyMap<string, RiskAssessment>, type: string, id: string) => latest.get(`${type}#${id}`)?.band ?? null;

const locationItems = (seen: readonly SeenLocation[], latest: ReadonlyMap<string, RiskAssessment>): RelatedItem[] =>
  seen.map(({ location: l }) => ({ href: `/locations/${l.locationId}`, name: l.name, band: bandOf(latest, 'location', l.locationId), detail: `${serviceKindLabel(l.serviceKind)}, ${councilByGss(l.councilGss)?.name ?? l.councilGss}` }));

const lookupLocation: Lookup = async (ports, viewer, id) => {
  const [location, placing] = await Promise.all([ports.reference.getLocation(id), placingCouncilsByLocation(ports)]);
  if (!location) return undefined;
  const provider = await ports.reference.getProvider(location.providerId);
  const placedBy = (placing.get(id) ?? []).map((gss) => councilByGss(gss)?.name ?? gss);
  return {
    name: location.name,
    facts: [
      ['Provider', provider?.name ?? location.providerId],
      ['Council', councilByGss(location.councilGss)?.name ?? location.councilGss],
      ['Service', serviceKindLabel(location.serviceKind)],
      ['Beds', String(location.beds)],
      ['Registered', location.registeredOn],
      ...(placedBy.length > 0 ? [['Placing councils', placedBy.join(', ')] as [string, string]] : []),
    ],
    seen: seenLocations(viewer, [location], placing),
    total: 1,
    related: [{ heading: 'Provider', items: [{ href: `/providers/${location.providerId}`, name: provider?.name ?? location.providerId }] }],
    alsoSignalsOf: [],
    cqcUrl: cqcPage('location', id),
  };
};

const lookupProvider: Lookup = async (ports, viewer, id, latest) => {
  const [provider, locations, placing] = await Promise.all([ports.reference.getProvider(id), ports.reference.locationsOfProvider(id), placingCouncilsByLocation(ports)]);
  if (!provider) return undefined;
  const seen = seenLocations(viewer, locations, placing);
  const group = provider.groupId === null ? undefined : await ports.reference.getGroup(provider.groupId);
  return {
    name: provider.name,
    facts: [
      ['Company number', provider.companyNumber ?? 'none'],
      ['Ownership', provider.ownershipType],
      ['Services', String(locations.length)],
    ],
    seen,
    total: locations.length,
    related: [
      ...(provider.groupId ? [{ heading: 'Group', items: [{ href: `/groups/${provider.groupId}`, name: group?.name ?? provider.groupId }] }] : []),
      { heading: 'Its services', items: locationItems(seen, latest) },
      { heading: 'Councils', items: councilsOf(viewer, seen) },
    ],
    alsoSignalsOf: seen.map(({ location: l }) => ({ subject: { type: 'location', id: l.locationId }, about: l.name })),
    cqcUrl: cqcPage('provider', id),
  };
};

const lookupGroup: Lookup = async (ports, viewer, id, latest) => {
  const [group, providers, placing] = await Promise.all([ports.reference.getGroup(id), ports.reference.providersOfGroup(id), placingCouncilsByLocation(ports)]);
  if (!group) return undefined;
  const locations: Location[] = (await pMap(providers, (p) => ports.reference.locationsOfProvider(p.providerId), { concurrency: READ_CONCURRENCY })).flat();
  const seen = seenLocations(viewer, locations, placing);
  const seenProviders = providers.filter((p) => seen.some((s) => s.location.providerId === p.providerId));
  return {
    name: group.name,
    facts: [['Providers', String(providers.length)], ['Services', String(locations.length)]],
    seen,
    total: locations.length,
    related: [
      { heading: 'Its providers', items: seenProviders.map((p) => ({ href: `/providers/${p.providerId}`, name: p.name, band: bandOf(latest, 'provider', p.providerId) })) },
      { heading: 'Councils', items: councilsOf(viewer, seen) },
    ],
    alsoSignalsOf: seenProviders.map((p) => ({ subject: { type: 'provider', id: p.providerId }, about: p.name })),
    cqcUrl: null,
  };
};

const LOOKUPS: Record<SubjectType, Lookup> = { location: lookupLocation, provider: lookupProvider, group: lookupGroup };

/** Newest events first; a provider's or group's page lists at most this many. */
const MAX_EVENTS = 300;

export async function subjectPage(ports: DashboardPorts, viewer: Viewer, type: SubjectType, id: string, query: Readonly<Record<string, string | undefined>>): Promise<PageResult> {
  // Before any read: a viewer without a party has no detail to see, whatever the id.
  if (viewer.kind === 'public') return { refused: 403, message: 'Detail pages are for parties of the protocol: the map shows the aggregates.' };
  const asOf = await latestAsOf(ports);
  if (!asOf) return { refused: 404, message: NOT_YET_SCORED };
  const [locationAssessments, providerAssessments] = await Promise.all([ports.assessments.assessmentsAsOf(asOf, 'location'), ports.assessments.assessmentsAsOf(asOf, 'provider')]);
  const latest = new Map([...locationAssessments, ...providerAssessments].map((a) => [`${a.subject.type}#${a.subject.id}`, a]));
  const found = await LOOKUPS[type](ports, viewer, id, latest);
  if (!found) return { refused: 404, message: `No ${type} ${id} is stored.` };
  if (found.seen.length === 0) return { refused: 403, message: `Your access does not include ${found.name}: none of its services is in, or placed from, your area.` };

  const subject: Subject = { type, id };
  const classes = classesFor(found.seen.map((s) => s.capacity), ports.protocol);
  const [history, own, others, episode] = await Promise.all([
    ports.reads.assessmentHistory(subject, ports.modelVersion),
    type === 'group' ? Promise.resolve([]) : ports.signals.signalsFor(subject),
    pMap(found.alsoSignalsOf, async (o) => signalEvents(await ports.signals.signalsFor(o.subject), classes, o.about), { concurrency: READ_CONCURRENCY }),
    ports.episodes.currentEpisode(subject),
  ]);
  const events: TimelineEvent[] = byDateDescending([...signalEvents(own, classes), ...others.flat(), ...episodeEvents(episode, viewer, ports.protocol)]).slice(0, MAX_EVENTS);
  const current = history.at(-1);
  const eventKind = (EVENT_KINDS as readonly string[]).includes(query.events ?? '') ? (query.events as EventKind) : '';
  const input: SubjectPageInput = {
    viewer,
    asOf,
    type,
    id,
    name: found.name,
    facts: found.facts,
    latest: current,
    run: bandRun(history),
    reasons: current ? topReasons(current, classes, 5) : [],
    history,
    events,
    eventKind,
    related: found.related,
    cqcUrl: found.cqcUrl,
    ...(found.seen.length < found.total ? { partial: `${found.total - found.seen.length} of its ${found.total} services are outside your access and not shown.` } : {}),
  };
  return { page: renderSubjectPage(input) };
}
