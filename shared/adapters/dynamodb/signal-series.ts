// How signals lie in the table: packed, one item per subject and year (of the date each describes), each
// signal an attribute of it named by its source and natural id. A location's two years of monthly returns,
// concerns, ratings and register snapshots are two items, not dozens, so loading and scoring read and write
// far fewer items. The domain's Signal is
// unchanged at the port: this module packs and unpacks, and tells from a stream record which signals are new.
import { type IsoDate, Signal, type Subject } from '../../domain/model.js';
import { keys } from './table.js';

/** Entry attributes carry this prefix, so they never meet the item's own attributes (PK, SK, subject). */
const ENTRY_PREFIX = 's:';

/** What an entry keeps: the rest of the signal is the item's (subject) or the attribute's name (source and natural id). */
interface Entry {
  describedOn: IsoDate;
  receivedOn: IsoDate;
  facts: Signal['facts'];
}

/** One packed item's key and the signals to add to it, each under its entry attribute's name, first of a repeat kept. */
export interface SeriesWrite {
  key: { PK: string; SK: string };
  subject: Subject;
  entries: Map<string, Entry>;
}

/** Sources never contain '#', so the first one after the prefix ends the source. */
export const entryName = (signal: Pick<Signal, 'source' | 'naturalId'>): string => `${ENTRY_PREFIX}${signal.source}#${signal.naturalId}`;

/**
 * The item a signal belongs in. The year comes from the date the signal describes, which a re-sent record
 * repeats, so a re-send always meets its first copy; a correction that moves a record into another year
 * under the same natural id would be stored in that year as well (no source here re-dates a record).
 */
export const seriesKey = (signal: Pick<Signal, 'subject' | 'describedOn'>) => ({
  PK: keys.subject(signal.subject.type, signal.subject.id),
  SK: keys.signalSeries(signal.describedOn.slice(0, 4)),
});

/** The packed item a write would create: its key, its subject and each entry. */
export const seriesItem = (write: SeriesWrite): Record<string, unknown> => ({ ...write.key, subject: write.subject, ...Object.fromEntries(write.entries) });

/** Groups signals by the item they go in; a repeat of a natural id within the input is counted, not written. */
export function packSignals(signals: readonly Signal[]): { writes: SeriesWrite[]; repeats: number } {
  const byKey = new Map<string, SeriesWrite>();
  let repeats = 0;
  for (const signal of signals) {
    const key = seriesKey(signal);
    const id = `${key.PK}|${key.SK}`;
    let write = byKey.get(id);
    if (!write) byKey.set(id, (write = { key, subject: signal.subject, entries: new Map() }));
    const name = entryName(signal);
    if (write.entries.has(name)) repeats += 1;
    else write.entries.set(name, { describedOn: signal.describedOn, receivedOn: signal.receivedOn, facts: signal.facts });
  }
  return { writes: [...byKey.values()], repeats };
}

/** The entry attribute names an item (or a stream image of it) holds. */
export const entryNames = (item: Record<string, unknown>): string[] => Object.keys(item).filter((name) => name.startsWith(ENTRY_PREFIX));

/** The signals a packed item holds; `only` keeps those entries alone. */
export function unpackSignals(item: Record<string, unknown>, only?: ReadonlySet<string>): Signal[] {
  return entryNames(item)
    .filter((name) => only === undefined || only.has(name))
    .sort()
    .map((name) => {
      const sourceAndId = name.slice(ENTRY_PREFIX.length);
      const cut = sourceAndId.indexOf('#');
      return Signal.parse({ source: sourceAndId.slice(0, cut), naturalId: sourceAndId.slice(cut + 1), subject: item.subject, ...(item[name] as Entry) });
    });
}

/** Whether a key names a packed signal item. */
export const isSeriesKey = (sk: unknown): boolean => typeof sk === 'string' && sk.startsWith(keys.signalSeriesPrefix);

/**
 * The signals a change to a packed item added: those in the new image and not in the old. An entry is never
 * changed once set, so an added attribute is exactly a newly stored signal; an insert adds all it holds.
 */
export function signalsAdded(oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown> | undefined): Signal[] {
  if (!newImage || !isSeriesKey(newImage.SK)) return [];
  const before = new Set(oldImage ? entryNames(oldImage) : []);
  return unpackSignals(newImage, new Set(entryNames(newImage).filter((name) => !before.has(name))));
}
