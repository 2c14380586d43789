// A token bucket per API key, so a run keeps to the publisher's documented rate however many requests are in flight.
import { setTimeout as sleep } from 'node:timers/promises';

/** The clock and the wait, injectable so tests neither sleep nor depend on the wall clock. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = { now: () => Date.now(), sleep: async (ms) => void (await sleep(ms)) };

export interface RateLimit {
  requests: number;
  perMs: number;
  /** Requests allowed back to back after a quiet spell. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly timer: Timer,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = timer.now();
  }

  async take(): Promise<void> {
    const perMs = this.limit.requests / this.limit.perMs;
    const now = this.timer.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + (now - this.updatedAt) * perMs);
    this.updatedAt = now;
    // A negative balance is a reservation: concurrent callers queue one interval behind each other, no polling.
    this.tokens -= 1;
    if (this.tokens < 0) await this.timer.sleep(-this.tokens / perMs);
  }
}
