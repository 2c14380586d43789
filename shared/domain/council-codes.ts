// A short code for each of the 153 councils, for hex labels: 3 or 4 capital letters from the council's name,
// unique across the reference data and the same on every run (councils take codes in GSS order).
import { COUNCILS } from './councils.js';

/** Words that name the kind of council, not which one. */
const SKIPPED = new Set(['OF', 'AND', 'THE', 'UPON', 'ON', 'CITY', 'COUNTY', 'BOROUGH', 'COUNCIL', 'ROYAL', 'ST']);

/** Codes in order of preference: initials of a many-word name, the name's first letters, then other letters of it in order. */
function* candidates(name: string): Generator<string> {
  const all = name.toUpperCase().replace(/[^A-Z ]/g, ' ').split(/\s+/).filter(Boolean);
  const words = all.filter((w) => !SKIPPED.has(w)).length > 0 ? all.filter((w) => !SKIPPED.has(w)) : all;
  const letters = words.join('');
  if (words.length >= 3) yield words.slice(0, 4).map((w) => w[0]).join('');
  if (words.length === 2) yield `${words[0]![0]}${words[1]!.slice(0, 2)}`;
  yield letters.slice(0, 3);
  for (let i = 1; i < letters.length; i++) for (let j = i + 1; j < letters.length; j++) yield `${letters[0]}${letters[i]}${letters[j]}`;
  for (let i = 1; i < letters.length; i++) for (let j = i + 1; j < letters.length; j++) for (let k = j + 1; k < letters.length; k++) yield `${letters[0]}${letters[i]}${letters[j]}${letters[k]}`;
}

function assignCodes(): ReadonlyMap<string, string> {
  const codes = new Map<string, string>();
  const taken = new Set<string>();
  for (const council of [...COUNCILS].sort((a, b) => a.gss.localeCompare(b.gss))) {
    const code = [...candidates(council.name)].find((c) => c.length >= 3 && !taken.has(c));
    if (code === undefined) throw new Error(`no free short code for ${council.name}`);
    taken.add(code);
    codes.set(council.gss, code);
  }
  return codes;
}

/** Keyed by GSS code. */
export const COUNCIL_CODES: ReadonlyMap<string, string> = assignCodes();
