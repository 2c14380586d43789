// The dated events behind a band, in words: the signals (ratings, concerns, occupancy, filings, actions)
// a viewer's classes allow, and the escalation episode with its notifications and acknowledgements.
// Never a person: acknowledgements are shown by party, not by who clicked.
import { councilByGss } from '../councils.js';
import type { Episode } from '../episode.js';
import type { Signal, SignalFacts } from '../model.js';
import type { DisclosableFieldClass, Protocol } from '../protocol.js';
import { classOfSignal, visibleAcknowledgements, visibleNotifications, type Viewer } from './access.js';

export const EVENT_KINDS = ['rating', 'concern', 'occupancy', 'filing', 'action', 'escalation'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_KIND_LABELS: Record<EventKind, string> = {
  rating: 'Ratings and registration',
  concern: 'Safeguarding concerns',
  occupancy: 'Occupancy and workforce',
  filing: 'Company filings',
  action: 'Council actions',
  escalation: 'Escalations and acknowledgements',
};

export interface TimelineEvent {
  on: string;
  kind: EventKind;
  text: string;
  /** Whose signal, on a provider's or group's page where it is one of its services'. */
  about?: string;
}

const KIND_OF: Record<SignalFacts['kind'], EventKind> = {
  rating: 'rating',
  registration: 'rating',
  'registered-manager': 'rating',
  'safeguarding-concern': 'concern',
  'capacity-return': 'occupancy',
  'financial-indicator': 'filing',
  'insolvency-cases': 'filing',
  'commissioner-action': 'action',
};

const pct = (value: number | null) => (value === null ? 'not given' : `${Math.round(value)}%`);
const councilName = (gss: string | null) => (gss === null ? 'the host council' : (councilByGss(gss)?.name ?? gss));

export function describeFacts(facts: SignalFacts): string {
  switch (facts.kind) {
    case 'rating': {
      const keys = (['safe', 'effective', 'caring', 'responsive', 'wellLed'] as const).filter((k) => facts[k] !== null).map((k) => `${k === 'wellLed' ? 'well-led' : k} ${facts[k]}`);
      return `CQC rating: overall ${facts.overall ?? 'none'}${keys.length > 0 ? ` (${keys.join(', ')})` : ''}`;
    }
    case 'registration':
      return `CQC registration: ${facts.status}${facts.dormant ? ', dormant' : ''}`;
    case 'registered-manager':
      return facts.absentSince === null ? 'Registered manager in post' : `No registered manager since ${facts.absentSince}`;
    case 'safeguarding-concern':
      return `Safeguarding concern: ${facts.abuseType.replace(/-/g, ' ')}${facts.section42Enquiry ? ', section 42 enquiry' : ''} (reported by ${councilName(facts.reportingCouncilGss)})`;
    case 'capacity-return':
      return (
        `Capacity Tracker ${facts.period}: ${facts.usedBeds} of ${facts.maxCapacity} beds used, ${facts.declaredVacancies} vacancies, ` +
        `${facts.acceptingAdmissions === null ? 'admissions not stated' : facts.acceptingAdmissions ? 'accepting admissions' : 'closed to admissions'}; ` +
        `staff absence ${pct(facts.staffAbsencePct)}, agency hours ${pct(facts.agencyHoursPct)}`
      );
    case 'financial-indicator':
      return (
        `Companies House ${facts.companyNumber}: ${facts.companyStatus}` +
        (facts.accountsOverdueDays > 0 ? `, accounts ${facts.accountsOverdueDays} days overdue` : '') +
        (facts.confirmationStatementOverdue ? ', confirmation statement overdue' : '') +
        (facts.insolvencyCases > 0 ? `, ${facts.insolvencyCases} insolvency cases` : '') +
        (facts.newChargeWithin12Months ? ', new charge in 12 months' : '') +
        (facts.creditScore === null ? '' : `, credit score ${facts.creditScore}`)
      );
    case 'insolvency-cases':
      return `Insolvency cases at ${facts.companyNumber}: ${facts.caseTypes.join(', ') || 'none listed'}`;
    case 'commissioner-action':
      return `Council action: ${facts.action.replace(/-/g, ' ')} by ${councilName(facts.councilGss)}`;
  }
}

/** The signals a viewer holding `classes` may read, as events; the rest are left out, not blanked. */
export function signalEvents(signals: readonly Signal[], classes: ReadonlySet<DisclosableFieldClass>, about?: string): TimelineEvent[] {
  return signals
    .filter((s) => classes.has(classOfSignal(s.facts.kind)))
    .map((s) => ({ on: s.describedOn, kind: KIND_OF[s.facts.kind], text: describeFacts(s.facts), ...(about === undefined ? {} : { about }) }));
}

/** The episode's opening, the notifications and acknowledgements the viewer may see, and its stand-down. */
export function episodeEvents(episode: Episode | undefined, viewer: Viewer, protocol: Protocol): TimelineEvent[] {
  if (!episode) return [];
  const events: TimelineEvent[] = [{ on: episode.openedOn, kind: 'escalation', text: `Escalation episode ${episode.episodeId} opened (band ${episode.band})` }];
  for (const n of visibleNotifications(viewer, episode.notifications, protocol)) {
    events.push({ on: n.notifiedOn, kind: 'escalation', text: `${n.recipient.name} told at ${n.tier} tier, response due ${n.dueOn}${n.remindedOn ? `, reminded ${n.remindedOn}` : ''}` });
  }
  for (const a of visibleAcknowledgements(viewer, episode.acknowledgements, protocol)) {
    events.push({ on: a.on, kind: 'escalation', text: `Acknowledged at ${a.tier} tier by ${councilByGss(a.recipientId)?.name ?? a.recipientId}` });
  }
  if (episode.status === 'stood-down') events.push({ on: episode.lastChangedOn, kind: 'escalation', text: 'Escalation episode stood down' });
  return events;
}

/** Newest first; events of a day keep their kind order. */
export const byDateDescending = (events: readonly TimelineEvent[]): TimelineEvent[] =>
  [...events].sort((a, b) => b.on.localeCompare(a.on) || EVENT_KINDS.indexOf(a.kind) - EVENT_KINDS.indexOf(b.kind));
