// The plain text of an escalation message, as read in an email: the marking first, then what happened, to
// whom it matters, the evidence, and what is asked of the reader and how to acknowledge.
import { councilByGss } from './councils.js';
import type { ChangeKind } from './episode.js';
import type { MessageContent } from './escalation-message.js';
import type { ServiceKind } from './model.js';
import type { Protocol, Tier } from './protocol.js';

/** An email lists at most this many services; the JSON message lists more. */
export const MAX_LOCATIONS_IN_TEXT = 50;

const CHANGE_HEADLINE: Record<ChangeKind, (tier: Tier) => string> = {
  opened: () => 'opened',
  raised: (tier) => `raised to ${tier}`,
  worsened: () => 'worsened',
  reminder: () => 'reminder, response overdue',
  'stood-down': () => 'stood down',
};

const SERVICE_KIND: Record<ServiceKind, string> = {
  'nursing-home': 'nursing home',
  'residential-home': 'residential home',
  'home-care': 'home care',
  'community-other': 'other community service',
};

const workingDays = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;
const councilName = (gss: string) => councilByGss(gss)?.name ?? gss;

function responseLine(m: MessageContent, protocol: Protocol): string {
  if (m.changeKind === 'stood-down' && m.passedTo.length > 0) {
    const successors = m.passedTo.map((to) => `${to.name ?? 'a new registration'} (${to.locationId}, ${to.cqcUrl}) on ${to.on} (${to.reason}; ${to.basis})`);
    const what = m.subject.type === 'location' ? 'The registration passed to' : `Each of its services passed to a new registration:`;
    return `Stood down: not a closure. ${what} ${successors.join('; ')}. Each service continues under its new registration, with its history. No response is needed.`;
  }
  if (m.changeKind === 'stood-down') {
    return `Stood down after ${protocol.episodes.standDownAfterAssessments} consecutive assessments below the exit threshold; no response is needed.`;
  }
  if (!m.acknowledgementRequested) return `Acknowledged at the ${m.tier} tier; no further response is asked for.`;
  if (m.changeKind === 'reminder') return `The response target of ${workingDays(m.responseTargetWorkingDays)} passed on ${m.reviewOn} without an acknowledgement: please acknowledge episode ${m.episodeId}.`;
  return `Please acknowledge episode ${m.episodeId} within ${workingDays(m.responseTargetWorkingDays)} (by ${m.reviewOn}).`;
}

function acknowledgeLines(m: MessageContent): string[] {
  if (!m.ask) return [];
  const { route, role, command } = m.ask.acknowledge;
  return [`To acknowledge: ${route} on the escalation API, signed in as party ${m.recipient.id} with role ${role}; or run`, `  ${command}`];
}

/** The affected councils one line per region, hosts marked, so a long list still reads at a glance. */
function councilLines(m: MessageContent): string[] {
  const { councils, regions } = m.affected;
  const named = (region: string | null) =>
    councils
      .filter((c) => c.region === region)
      .map((c) => `${c.name}${c.relation === 'host' ? ' (host)' : ''}`)
      .join(', ');
  const unplaced = councils.some((c) => c.region === null) ? [`- region unknown: ${named(null)}`] : [];
  return [`Councils affected: ${councils.length}, in ${regions.length} region${regions.length === 1 ? '' : 's'}`, ...regions.map((r) => `- ${r}: ${named(r)}`), ...unplaced];
}

/** The services, those in the reader's own council first, capped with a count of the rest. */
function locationLines(m: MessageContent): string[] {
  const { total, listed } = m.locations;
  if (total === 0) return [];
  const own = listed.filter((l) => l.councilGss === m.recipient.id);
  const shown = [...own, ...listed.filter((l) => l.councilGss !== m.recipient.id)].slice(0, MAX_LOCATIONS_IN_TEXT);
  const more = total - shown.length;
  return [
    `Services (${total}):`,
    ...shown.map((l) => `- ${l.name}, ${l.councilName}, ${SERVICE_KIND[l.serviceKind]}${l.beds > 0 ? `, ${l.beds} beds` : ''}: ${l.cqcUrl}`),
    ...(more > 0 ? [`- and ${more} more (the JSON message lists up to ${listed.length})`] : []),
  ];
}

export function escalationText(m: MessageContent, protocol: Protocol): { summary: string; body: string } {
  const s = m.subject;
  const headline = `${m.tier.toUpperCase()} escalation ${CHANGE_HEADLINE[m.changeKind](m.tier)}: ${s.name} (${s.id}) is ${m.band}${m.hardTriggers.length ? ` - ${m.hardTriggers.join('; ')}` : ''}`;
  const lines = [
    m.handling.marking,
    headline,
    `Onward sharing: ${m.handling.onwardSharing}`,
    '',
    `To: ${m.recipient.name} (${m.recipient.kind.replace('-', ' ')})`,
    `Raised by: ${m.raisedBy}`,
    `Subject: ${s.scope === 'service' ? 'one service' : 'the organisation as a whole'}, ${s.type} ${s.name}, CQC id ${s.id}` +
      `${s.type === 'location' ? '' : `, ${s.cqcLocationIds.length} CQC locations`}${s.companyNumber ? `, company ${s.companyNumber}` : ''}`,
    ...m.providers.map((p) => `CQC provider: ${p.name}, ${p.cqcUrl}`),
    ...councilLines(m),
    `Concerns: ${m.concernCategories.join(', ') || 'none recorded'}`,
    `Likelihood ${m.likelihood}/100, impact ${m.impact}, beds at risk ${m.bedsAtRisk}`,
    ...(m.evidence.length ? ['Evidence:', ...m.evidence.slice(0, 8).map((f) => `- ${f.indicator} (+${f.points}; ${f.evidence.map((e) => `${e.source} ${e.date}: ${e.value}${e.inheritedFrom ? ` (as ${e.inheritedFrom}, before the change)` : ''}`).join('; ')})`)] : []),
    ...(m.financialConcernNotice ? [m.financialConcernNotice] : []),
    ...(m.operationalConcernNotice ? [m.operationalConcernNotice] : []),
    `Actions already taken by councils: ${m.actionsTaken.map((t) => `${t.action}${t.council ? ` by ${councilName(t.council)}` : ''}${t.since ? ` since ${t.since}` : ''}`).join('; ') || 'none recorded'}`,
    ...locationLines(m),
    `Provider: the protocol ${m.providerEngagement.required ? 'requires the host council to tell the provider and invite its comments' : 'does not require the provider to be told'}. ${m.providerEngagement.note}`,
    ...(m.ask ? [`Asked of you: ${m.ask.action}`] : []),
    responseLine(m, protocol),
    ...acknowledgeLines(m),
    m.recipientDecides,
    `Shared under ${m.legalBasis} (protocol ${m.protocolVersion}).`,
  ];
  // The marking leads the email subject too, so a reader sees it before opening the message.
  return { summary: `[${m.handling.marking}] ${headline}`, body: lines.join('\n') };
}
