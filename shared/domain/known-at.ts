import type { IsoDate, Signal } from './model.js';

/**
 * What the pipeline knew at a date: signals received by then that describe a day up to it. A signal dated
 * earlier but received later was not known, so a replay as of that date leaves it out.
 */
export function knownAt(signals: readonly Signal[], asOf: IsoDate): Signal[] {
  return signals.filter((s) => s.receivedOn <= asOf && s.describedOn <= asOf);
}
