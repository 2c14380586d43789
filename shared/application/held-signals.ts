// Signals read once and held for a second pass over the market: the full scoring reads every location's
// signals for the baseline, then scores a part of the market at a time against it. Held as read would take
// over 2 GB for England; each location's are held serialised (V8's structured clone) and deflated instead,
// tens of MB, so the second pass reads the table only for what the first did not.
import { deserialize, serialize } from 'node:v8';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Signal, Subject } from '../domain/model.js';
import type { SignalReader } from '../ports/stores.js';

/** The fastest deflate: the point is a smaller heap, and the held bytes live for one scoring run. */
const DEFLATE = { level: constants.Z_BEST_SPEED };

export class HeldSignals implements SignalReader {
  private readonly locations = new Map<string, Buffer>();

  /** Answers for held locations from memory, for anything else from `store`. */
  constructor(private readonly store: SignalReader) {}

  /** Keeps a location's signals, exactly as read, until the run ends. */
  hold(locationId: string, signals: readonly Signal[]): void {
    // Copied out: the deflated bytes are a view on zlib's 16 KB output chunk, which would be held with them.
    this.locations.set(locationId, Buffer.from(deflateRawSync(serialize(signals), DEFLATE)));
  }

  async signalsFor(subject: Subject): Promise<Signal[]> {
    const held = subject.type === 'location' ? this.locations.get(subject.id) : undefined;
    return held ? (deserialize(inflateRawSync(held)) as Signal[]) : this.store.signalsFor(subject);
  }
}
