// Three-letter codes that fit inside a hex: one per council, unique, stable (made in GSS order from names).
import { COUNCILS } from '../councils.js';

const MINOR_WORDS = new Set(['and', 'upon', 'on', 'the', 'of', 'city', 'le', 'with']);

function candidates(name: string): string[] {
  const words = name
    .replace(/,.*$/, '')
    .split(/[\s-]+/)
    .filter((w) => w.length > 0 && !MINOR_WORDS.has(w.toLowerCase()));
  const letters = words.join('').toUpperCase().replace(/[^A-Z]/g, '');
  const initials = words.map((w) => w[0]!.toUpperCase()).join('');
  const first = letters[0] ?? 'X';
  const out: string[] = [];
  if (initials.length >= 3) out.push(initials.slice(0, 3));
  if (initials.length === 2) {
    const [one = '', two = ''] = words.map((w) => w.toUpperCase());
    out.push(`${initials}${two[1] ?? ''}`, `${one[0] ?? ''}${one[1] ?? ''}${two[0] ?? ''}`);
  }
  out.push(letters.slice(0, 3));
  // Then every ordered pick of two later letters after the first: always enough to keep codes unique.
  for (let i = 1; i < letters.length; i++) for (let j = i + 1; j < letters.length; j++) out.push(first + letters[i] + letters[j]);
  return out.filter((code) => code.length === 3);
}

function makeCodes(): ReadonlyMap<string, string> {
  const used = new Set<string>();
  const codes = new Map<string, string>();
  for (const council of [...COUNCILS].sort((a, b) => a.gss.localeCompare(b.gss))) {
    const code = candidates(council.name).find((c) => !used.has(c)) ?? council.gss.slice(-3);
    used.add(code);
    codes.set(council.gss, code);
  }
  return codes;
}

const CODES = makeCodes();

export const shortCodeOf = (gss: string): string => CODES.get(gss) ?? gss.slice(-3);
