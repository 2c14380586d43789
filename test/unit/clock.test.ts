// The day of disclosure: the wall clock's live, the simulated day in a replay of dated deliveries.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPLAY_DATE_ENV, today } from '../../shared/adapters/clock.js';

describe('the disclosure clock', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.useRealTimers();
  });

  it('is the wall clock\'s UTC day when no replay is running', () => {
    // Prepare
    vi.stubEnv(REPLAY_DATE_ENV, undefined);
    vi.useFakeTimers({ now: new Date('2026-12-02T23:30:00Z') });

    // Act
    const day = today();

    // Assess
    expect(day).toBe('2026-12-02');
  });

  it('is the delivery date a replay sets, whatever the wall clock says', () => {
    // Prepare
    vi.stubEnv(REPLAY_DATE_ENV, '2025-10-15');
    vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });

    // Act
    const day = today();

    // Assess
    expect(day).toBe('2025-10-15');
  });
});
