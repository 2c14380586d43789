import type { IsoDate, Signal } from './model.js';

/**
 * What the pipeline knew at a date: signals received by then that describe a day up to it. A signal dated
 * earlier but received later was not known, so a replay as of that date leaves it out.
 */
/**
 * The latest report of a status that each snapshot restates (a registration): the one received last, then the
 * latest described. A deregistration the register records late is dated before an earlier snapshot's
 * "Registered", yet it is the newer word.
 */
export function latestReport<S extends Signal>(signals: readonly S[]): S | undefined {
  let best: S | undefined;
  for (const s of signals) {
    if (!best || s.receivedOn > best.receivedOn || (s.receivedOn === best.receivedOn && (s.describedOn > best.describedOn || (s.describedOn === best.describedOn && s.naturalId > best.naturalId)))) best = s;
  }
  return best;
}

export function knownAt(signals: readonly Signal[], asOf: IsoDate): Signal[] {
  return signals.filter((s) => s.receivedOn <= asOf && s.describedOn <= asOf);
}
