// The handlers' metric helpers: how old each source's newest data is, seen through the signal store the
// heat map reads anyway.
import { describe, expect, it } from 'vitest';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { newestReceivedBySource, recordDataAge } from '../../shared/adapters/metrics.js';
import type { Signal, Subject } from '../../shared/domain/model.js';
import type { SignalStore } from '../../shared/ports/stores.js';
import { capacityReturn, LOCATION_ID, registration } from '../support/fixtures.js';

/** A store holding fixed signals per location id, recording what is put. */
function storeOf(byLocation: Record<string, Signal[]>): SignalStore & { put: Signal[] } {
  const put: Signal[] = [];
  return {
    put,
    putSignals: async (signals) => {
      put.push(...signals);
      return { stored: signals.length, alreadyPresent: 0 };
    },
    signalsFor: async (subject: Subject) => byLocation[subject.id] ?? [],
  };
}

/** A Metrics stand-in recording each single metric's dimensions and value. */
function recordingMetrics(): { metrics: Metrics; emitted: { dimensions: Record<string, string>; name: string; value: number }[] } {
  const emitted: { dimensions: Record<string, string>; name: string; value: number }[] = [];
  const metrics = {
    singleMetric() {
      const dimensions: Record<string, string> = {};
      const single = {
        addDimension(name: string, value: string) {
          dimensions[name] = value;
          return single;
        },
        addMetric(name: string, _unit: string, value: number) {
          emitted.push({ dimensions: { ...dimensions }, name, value });
        },
      };
      return single;
    },
  };
  return { metrics: metrics as unknown as Metrics, emitted };
}

describe('data age metrics', () => {
  it('remember the newest receivedOn of each source among the signals read, and pass reads and writes through', async () => {
    // Prepare
    const store = storeOf({
      [LOCATION_ID]: [registration({ receivedOn: '2025-10-01' }), capacityReturn('2025-08', { receivedOn: '2025-09-02' }), registration({ receivedOn: '2025-10-14' })],
      '1-100000002': [capacityReturn('2025-09', { receivedOn: '2025-10-03', subject: { type: 'location', id: '1-100000002' } })],
    });
    const observed = newestReceivedBySource(store);

    // Act
    const first = await observed.signals.signalsFor({ type: 'location', id: LOCATION_ID });
    await observed.signals.signalsFor({ type: 'location', id: '1-100000002' });
    await observed.signals.putSignals([registration()]);

    // Assess
    expect(first).toHaveLength(3);
    expect(Object.fromEntries(observed.newest)).toEqual({ 'cqc-register': '2025-10-14', 'capacity-tracker': '2025-10-03' });
    expect(store.put).toHaveLength(1);
  });

  it('emit days since each source’s newest data, one datapoint per source', () => {
    // Prepare
    const { metrics, emitted } = recordingMetrics();

    // Act
    recordDataAge(metrics, '2025-10-15', new Map([['cqc-register', '2025-10-14'], ['capacity-tracker', '2025-09-02']]));

    // Assess
    expect(emitted).toEqual([
      { dimensions: { source: 'cqc-register' }, name: 'DaysSinceNewData', value: 1 },
      { dimensions: { source: 'capacity-tracker' }, name: 'DaysSinceNewData', value: 43 },
    ]);
  });
});
