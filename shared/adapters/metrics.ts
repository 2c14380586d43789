// Powertools Metrics for the handlers (CloudWatch EMF, namespace CareMarketEarlyWarning, `service` = the
// function's name), and the counts the stack's alarms and dashboard read. Counts and source names only:
// nothing personal or commercially sensitive becomes a metric dimension.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { toEpochDay } from '../domain/dates.js';
import type { IsoDate, Signal, Subject } from '../domain/model.js';
import type { SignalStore } from '../ports/stores.js';

export const METRICS_NAMESPACE = 'CareMarketEarlyWarning';

export const pipelineMetrics = (serviceName: string): Metrics => new Metrics({ namespace: METRICS_NAMESPACE, serviceName });

/** One landed file ingested: its signals and quarantined records, and a file of its source (per-source dimension). */
export function recordFileIngested(metrics: Metrics, report: { source: string; signalsStored: number; quarantined: number }): void {
  metrics.addMetric('SignalsStored', MetricUnit.Count, report.signalsStored);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, report.quarantined);
  // Its own datapoint, so the source dimension does not spread to the run's other counts.
  const perSource = metrics.singleMetric();
  perSource.addDimension('source', report.source);
  perSource.addMetric('FilesIngested', MetricUnit.Count, 1);
}

/** A signal store that remembers the newest `receivedOn` of each source among the signals read through it. */
export function newestReceivedBySource(store: SignalStore): { signals: SignalStore; newest: ReadonlyMap<string, IsoDate> } {
  const newest = new Map<string, IsoDate>();
  return {
    newest,
    signals: {
      putSignals: (signals) => store.putSignals(signals),
      async signalsFor(subject: Subject): Promise<Signal[]> {
        const found = await store.signalsFor(subject);
        for (const signal of found) {
          const seen = newest.get(signal.source);
          if (seen === undefined || signal.receivedOn > seen) newest.set(signal.source, signal.receivedOn);
        }
        return found;
      },
    },
  };
}

/**
 * Days from each source's newest signal to the run's date, one datapoint per source: the stack alarms when
 * a source goes quiet for longer than it should (a month for Capacity Tracker), which no alarm on files
 * arriving can express (CloudWatch evaluates at most seven days of an event metric).
 */
export function recordDataAge(metrics: Metrics, asOf: IsoDate, newest: ReadonlyMap<string, IsoDate>): void {
  for (const [source, receivedOn] of newest) {
    const perSource = metrics.singleMetric();
    perSource.addDimension('source', source);
    perSource.addMetric('DaysSinceNewData', MetricUnit.Count, Math.max(0, toEpochDay(asOf) - toEpochDay(receivedOn)));
  }
}
