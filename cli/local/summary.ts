// The short summary `npm start` prints: bands, the highest risks and why, who was told what.
import type { Band, RiskAssessment } from '../../shared/domain/model.js';
import { topReasons } from './outputs.js';
import type { PipelineResult } from './pipeline.js';

const BAND_RANK: Record<Band, number> = { Red: 0, Amber: 1, Green: 2 };

const countBands = (list: readonly RiskAssessment[]) =>
  (['Red', 'Amber', 'Green'] as const).map((band) => `${band} ${list.filter((a) => a.band === band).length}`).join(', ');

const share = (list: readonly RiskAssessment[], test: (a: RiskAssessment) => boolean) =>
  `${((100 * list.filter(test).length) / Math.max(1, list.length)).toFixed(1)}%`;

/** How much of the market High impact and Red cover: the figures a false alarm at scale would show in. */
function locationShares(locations: readonly RiskAssessment[]): string {
  const versions = [...new Set(locations.map((a) => a.modelVersion))].sort().join(', ');
  return `  of locations: High impact ${share(locations, (a) => a.impact === 'High')}, Red ${share(locations, (a) => a.band === 'Red')} (${versions || 'no model'})`;
}

export function summarise(result: PipelineResult): string[] {
  const { assessments, delivered } = result;
  const lines = [
    `Ingested ${result.ingested.files} files: ${result.ingested.signalsStored} signals stored, ${result.ingested.quarantined} records quarantined (see out/quarantine.jsonl).`,
    ...(result.replayed
      ? [`Replayed every file: ${result.replayed.signalsStored} new signals, ${result.replayed.decisions} new decisions, ${result.replayed.noticesPublished} new notices.`]
      : []),
    '',
    'Risk bands',
    `  locations ${assessments.locations.length}: ${countBands(assessments.locations)}`,
    `  providers ${assessments.providers.length}: ${countBands(assessments.providers)}`,
    `  groups    ${assessments.groups.length}: ${countBands(assessments.groups)}`,
    locationShares(assessments.locations),
    '',
    'Ten highest risks (locations)',
  ];
  const top = [...assessments.locations].sort((a, b) => BAND_RANK[a.band] - BAND_RANK[b.band] || b.likelihood - a.likelihood || a.subject.id.localeCompare(b.subject.id)).slice(0, 10);
  top.forEach((a, i) => {
    const why = a.hardTriggers.length ? `${a.hardTriggers.join('; ')}; ${topReasons(a, 2)}` : topReasons(a);
    lines.push(`  ${String(i + 1).padStart(2)}. ${a.band.padEnd(5)} ${a.likelihood.toFixed(0).padStart(3)}  ${a.name} (${a.subject.id}): ${why}`);
  });
  const changes = delivered.reduce((sum, d) => sum + 1 + d.message.alsoCovers.length, 0);
  const folded = delivered.filter((d) => d.message.alsoCovers.length > 0).length;
  lines.push(
    '',
    `Escalations delivered: ${delivered.length} notices carrying ${changes} changes, one notice per recipient, subject family and day ` +
      `(${folded} fold a provider's or group's changes together; ${result.duplicatesDropped} repeats dropped by idempotency key)`,
  );
  const byTier = new Map<string, number>();
  const byRecipient = new Map<string, { tier: string; count: number }[]>();
  for (const { queueRecipient, message } of delivered) {
    byTier.set(message.tier, (byTier.get(message.tier) ?? 0) + 1);
    const entries = byRecipient.get(`${message.recipient.name} (${queueRecipient})`) ?? [];
    const entry = entries.find((e) => e.tier === message.tier);
    if (entry) entry.count += 1;
    else entries.push({ tier: message.tier, count: 1 });
    byRecipient.set(`${message.recipient.name} (${queueRecipient})`, entries);
  }
  lines.push(`  by tier: ${['local', 'regional', 'national'].map((t) => `${t} ${byTier.get(t) ?? 0}`).join(', ')}`);
  const byKind = new Map<string, number>();
  for (const { message } of delivered) byKind.set(message.changeKind, (byKind.get(message.changeKind) ?? 0) + 1);
  lines.push(`  by kind: ${[...byKind].sort((a, b) => a[0].localeCompare(b[0])).map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  const { followUp } = result;
  const ack = followUp.acknowledged;
  lines.push(
    `  follow-up on ${followUp.on}: ${ack ? `${ack.name} (${ack.party}) acknowledged ${ack.episodeId} (HTTP ${ack.status}); ` : ''}${followUp.decisions} decisions, ${followUp.messagesPublished} changes in ${followUp.noticesPublished} notices (reminders go only to recipients that had not acknowledged)`,
  );
  lines.push('  by recipient:');
  for (const [recipient, entries] of [...byRecipient].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`    ${recipient}: ${entries.map((e) => `${e.count} ${e.tier}`).join(', ')}`);
  }
  if (result.audit) {
    lines.push('', `Audit trail for ${result.audit.name} (${result.audit.subjectId}): ${result.audit.disclosures.length} disclosures`);
    for (const d of result.audit.disclosures.slice(0, 12)) {
      lines.push(`  ${d.disclosedOn} ${d.changeKind.padEnd(10)} ${d.tier.padEnd(8)} to ${d.recipientId.padEnd(26)} fields: ${d.fieldClasses.join(', ')} (${d.protocolVersion})`);
    }
    if (result.audit.disclosures.length > 12) lines.push(`  ... and ${result.audit.disclosures.length - 12} more`);
  }
  lines.push('', `Heat map: ${result.heatMapCells} cells (councils, ADASS regions, England).`);
  lines.push('Wrote out/scores.csv, out/heatmap.json, out/heatmap.html, out/escalations.jsonl, out/quarantine.jsonl');
  return lines;
}
