// Signals held between the full scoring's two passes: what comes back is exactly what was read, and anything
// not held is read from the store.
import { describe, expect, it, vi } from 'vitest';
import { HeldSignals } from '../../shared/application/held-signals.js';
import type { Signal } from '../../shared/domain/model.js';
import { at, capacityReturn, concern, financial, LOCATION_ID, onProvider, rating } from '../support/fixtures.js';
import { InMemoryIngestStores } from '../support/in-memory-stores.js';

/** A store holding these signals, and a record of what it was asked. */
async function storeOf(signals: readonly Signal[]) {
  const store = new InMemoryIngestStores();
  await store.putSignals(signals);
  return { store, asked: vi.spyOn(store, 'signalsFor') };
}

const askedFor = (asked: Awaited<ReturnType<typeof storeOf>>['asked']) => asked.mock.calls.map(([subject]) => `${subject.type}#${subject.id}`);

describe('signals held between passes', () => {
  it('gives back a held location’s signals exactly as read, optional fields included, without asking the store', async () => {
    // Prepare
    const own = [rating('Requires improvement', { ...at(LOCATION_ID), safe: 'Inadequate' }), capacityReturn('2025-08', { ...at(LOCATION_ID), agencyHours: 120 }), concern('2025-07-02', { ...at(LOCATION_ID), section42Enquiry: true })];
    const { store, asked } = await storeOf(own);
    const held = new HeldSignals(store);
    held.hold(LOCATION_ID, await store.signalsFor({ type: 'location', id: LOCATION_ID }));

    // Act
    const again = await held.signalsFor({ type: 'location', id: LOCATION_ID });

    // Assess
    expect(again).toStrictEqual(own);
    expect(askedFor(asked)).toEqual([`location#${LOCATION_ID}`]);
  });

  it('reads from the store what it does not hold: other locations and every provider', async () => {
    // Prepare
    const other = '1-100000002';
    const signals = [capacityReturn('2025-08', at(other)), financial({ ...onProvider(), accountsOverdueDays: 40 })];
    const { store, asked } = await storeOf(signals);
    const held = new HeldSignals(store);
    held.hold(LOCATION_ID, []);

    // Act
    const [location, provider, empty] = await Promise.all([
      held.signalsFor({ type: 'location', id: other }),
      held.signalsFor(onProvider().subject),
      held.signalsFor({ type: 'location', id: LOCATION_ID }),
    ]);

    // Assess
    expect(location).toStrictEqual([signals[0]]);
    expect(provider).toStrictEqual([signals[1]]);
    expect(empty).toEqual([]);
    expect(askedFor(asked).sort()).toEqual([`location#${other}`, `provider#${onProvider().subject.id}`]);
  });
});
