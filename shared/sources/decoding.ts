// The text of a landed file from its bytes. UTF-8 is read strictly; a file that is not UTF-8 is read as
// Windows-1252 (what Excel on Windows saves as "CSV") when its bytes are plausible text, and refused otherwise.
// A NUL byte (binary, or UTF-16) is refused in either. No byte is ever replaced by U+FFFD, which would silently
// change a name or an id.
import { Buffer } from 'node:buffer';

export type Decoded = { text: string; encoding: 'utf-8' | 'windows-1252' } | { error: string };

/** Strips a leading BOM (ignoreBOM is false by default) and throws on any invalid sequence. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252's 0x80-0x9F, the only bytes where it differs from Latin-1; null where it defines no character.
 * Mapped here because Node 20's TextDecoder reads "windows-1252" as Latin-1 (0x93 becomes U+0093, not a quote).
 */
const CP1252_80_9F: readonly (number | null)[] = [
  0x20ac, null, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, null, 0x017d, null,
  null, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, null, 0x017e, 0x0178,
];

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0').toUpperCase()}`;

/** The first byte that text in Windows-1252 would not hold (a control other than tab and line ends, an undefined byte), or -1. */
function firstNonTextByte(bytes: Uint8Array): number {
  // Plain loops here and below: a callback per byte takes seconds on a file of tens of megabytes.
  for (let at = 0; at < bytes.length; at += 1) {
    const byte = bytes[at]!;
    if ((byte < 0x20 && byte !== TAB && byte !== LF && byte !== CR) || (byte >= 0x80 && byte <= 0x9f && CP1252_80_9F[byte - 0x80] === null)) return at;
  }
  return -1;
}

/** How many bytes a UTF-8 sequence with this lead byte has; 0 for a byte that leads none. */
const sequenceLength = (lead: number): number => (lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0);

/**
 * Whether the bytes hold a well-formed UTF-8 multi-byte sequence: then a file that failed as UTF-8 mixes it with
 * another encoding, and reading it all as Windows-1252 would turn its UTF-8 "é" into "Ã©".
 */
function hasUtf8Sequence(bytes: Uint8Array): boolean {
  for (let at = 0; at < bytes.length; at += 1) {
    const length = sequenceLength(bytes[at]!);
    if (length > 0 && at + length <= bytes.length && bytes.subarray(at + 1, at + length).every((byte) => byte >= 0x80 && byte <= 0xbf)) return true;
  }
  return false;
}

/** Bytes already checked by firstNonTextByte: Latin-1, then the 0x80-0x9F row as Windows-1252 has it. */
function windows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (char) => String.fromCharCode(CP1252_80_9F[char.charCodeAt(0) - 0x80]!));
}

/** The text of a landed file, and the encoding it was read in, or why it is not text (to quarantine the file whole). */
export function decodeLanded(bytes: Uint8Array): Decoded {
  let text: string | undefined;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    // Not UTF-8: tried as Windows-1252 below.
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { error: `the file is not text: a NUL byte at offset ${nul} (binary, or UTF-16)` };
  if (text !== undefined) return { text, encoding: 'utf-8' };
  const odd = firstNonTextByte(bytes);
  if (odd >= 0) return { error: `the file is neither UTF-8 nor Windows-1252 text: byte ${hex(bytes[odd]!)} at offset ${odd}` };
  if (hasUtf8Sequence(bytes)) return { error: 'the file mixes UTF-8 with another encoding: resend it all in UTF-8' };
  return { text: windows1252(bytes), encoding: 'windows-1252' };
}
