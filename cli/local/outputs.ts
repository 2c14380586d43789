// The files a run leaves in out/: no transport message ids and no wall-clock times, so two runs of the
// same inputs write identical files.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { bandReason, bandRun } from '../../shared/domain/band-history.js';
import { councilByGss } from '../../shared/domain/councils.js';
import { csvSafeRow } from '../../shared/domain/csv-safety.js';
import type { IsoDate, Location, Provider, QuarantineRecord, RiskAssessment } from '../../shared/domain/model.js';
import { riskModel } from '../../shared/domain/risk-model.js';
import { type AssessmentHistoryStore, type SubjectHistory, subjectKey } from '../../shared/ports/assessment-history.js';
import type { ReferenceStore } from '../../shared/ports/stores.js';
import type { DeliveredMessage } from './queues.js';

type Assessments = { locations: RiskAssessment[]; providers: RiskAssessment[]; groups: RiskAssessment[] };

/** What scores.csv says beside each assessment: its band history and open episode, and names for its codes. */
export interface ScoresContext {
  locations: ReadonlyMap<string, Location>;
  providers: ReadonlyMap<string, Provider>;
  /** Keyed by subjectKey. */
  history: ReadonlyMap<string, SubjectHistory>;
}

export async function scoresContext(reference: ReferenceStore, history: AssessmentHistoryStore, assessments: Assessments, asOf: IsoDate): Promise<ScoresContext> {
  const all = [...assessments.locations, ...assessments.providers, ...assessments.groups];
  const versions = [...new Set(all.map((a) => a.modelVersion))];
  const [locations, providers, ...histories] = await Promise.all([
    reference.listLocations(),
    reference.listProviders(),
    ...versions.map((version) => history.historyOf(all.filter((a) => a.modelVersion === version).map((a) => a.subject), asOf, version)),
  ]);
  return {
    locations: new Map(locations.map((l) => [l.locationId, l])),
    providers: new Map(providers.map((p) => [p.providerId, p])),
    history: new Map(histories.flatMap((h) => [...h])),
  };
}

export interface Outputs {
  assessments: Assessments;
  scoresContext: ScoresContext;
  quarantine: QuarantineRecord[];
  delivered: DeliveredMessage[];
  heatMapJson: string;
  heatMapPage: string;
  modelVersion: string;
}

const SUBJECT_ORDER = { location: 0, provider: 1, group: 2 } as const;

export const topReasons = (a: RiskAssessment, count = 3): string =>
  a.factors
    .slice(0, count)
    .map((f) => `${f.indicator} (+${f.points})`)
    .join('; ');

/**
 * One row per assessment. Text cells are escaped against CSV injection (shared/domain/csv-safety.ts);
 * numbers stay numbers.
 */
export function scoresCsv(assessments: Assessments, context: ScoresContext): string {
  const rows = [...assessments.locations, ...assessments.providers, ...assessments.groups].sort(
    (a, b) => SUBJECT_ORDER[a.subject.type] - SUBJECT_ORDER[b.subject.type] || a.subject.id.localeCompare(b.subject.id),
  );
  return stringify(
    rows.map((a) => {
      const history = context.history.get(subjectKey(a.subject));
      const run = bandRun(history?.bands ?? [], a);
      const location = a.subject.type === 'location' ? context.locations.get(a.subject.id) : undefined;
      return csvSafeRow({
        subject_type: a.subject.type,
        subject_id: a.subject.id,
        name: a.name,
        provider_id: location?.providerId ?? '',
        provider_name: location ? (context.providers.get(location.providerId)?.name ?? '') : '',
        service_type: location?.serviceKind ?? '',
        as_of: a.asOf,
        band: a.band,
        band_since: run.bandSince,
        previous_band: run.previousBand ?? '',
        band_reason: bandReason(a, riskModel(a.modelVersion)),
        episode_id: history?.openEpisodeId ?? '',
        likelihood: a.likelihood,
        impact: a.impact,
        monitoring_level: a.monitoringLevel,
        hard_triggers: a.hardTriggers.join('; '),
        top_reasons: topReasons(a),
        confidence: a.confidence,
        beds: a.beds,
        councils: a.councils.join(' '),
        council_names: a.councils.map((gss) => councilByGss(gss)?.name ?? gss).join('; '),
        regions: a.regions.join('; '),
        shared_across_councils: a.sharedAcrossCouncils ? 'yes' : 'no',
        flags: a.flags.join('; '),
        // A change of owner or a move: the registration that took over, or those this one took over.
        passed_to: (a.passedOn ?? []).map((p) => p.locationId).join(' '),
        carries_history_of: (a.inheritedFrom ?? []).map((p) => p.locationId).join(' '),
        model_version: a.modelVersion,
        baseline_version: a.baselineVersion,
      });
    }),
    { header: true },
  );
}

const jsonLines = (items: readonly unknown[]) => items.map((item) => JSON.stringify(item)).join('\n') + (items.length ? '\n' : '');

/** Each notice as its recipient's queue received it, with the queue it arrived in. */
export const escalationsJsonl = (delivered: readonly DeliveredMessage[]): string =>
  jsonLines(delivered.map((d) => ({ deliveredTo: d.queueRecipient, ...d.message })));

/**
 * A replayed delivery's quarantine: the file as its path under the deliveries folder (the landing key), the
 * row, field and reason; in file and row order.
 */
export const deliveryQuarantineJsonl = (records: readonly QuarantineRecord[]): string =>
  jsonLines(
    [...records]
      .sort((a, b) => a.origin.localeCompare(b.origin) || a.row - b.row || (a.field ?? '').localeCompare(b.field ?? ''))
      // A CSV row is its line (header = 1); a JSON file's records have no line a person would look up.
      .map(({ source, origin, row, field, reason }) => ({ source, file: origin, row: origin.endsWith('.json') ? null : row, field, reason })),
  );

export async function writeOutputs(outDir: string, outputs: Outputs): Promise<void> {
  const quarantine = [...outputs.quarantine].sort((a, b) => a.origin.localeCompare(b.origin) || a.row - b.row);
  await Promise.all([
    writeFile(join(outDir, 'scores.csv'), scoresCsv(outputs.assessments, outputs.scoresContext)),
    writeFile(join(outDir, 'heatmap.json'), outputs.heatMapJson),
    writeFile(join(outDir, 'heatmap.html'), outputs.heatMapPage),
    writeFile(join(outDir, 'escalations.jsonl'), escalationsJsonl(outputs.delivered)),
    writeFile(join(outDir, 'quarantine.jsonl'), jsonLines(quarantine)),
  ]);
}
