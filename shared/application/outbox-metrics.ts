// The outbox's health as metrics, for both functions that drain it: notices published by tier, notices that
// failed this run, and notices dead-lettered (which the stack alarms on).
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DrainReport } from './outbox.js';
import { TIERS } from '../domain/protocol.js';

export function recordDrainMetrics(metrics: Metrics, report: DrainReport): void {
  for (const tier of TIERS) metrics.addMetric(`NoticesPublished${tier[0]!.toUpperCase()}${tier.slice(1)}`, 'Count', report.byTier[tier]);
  metrics.addMetric('NoticePublishFailures', 'Count', report.failed.length);
  metrics.addMetric('NoticesDeadLettered', 'Count', report.deadLettered.length);
}
