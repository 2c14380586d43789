import { describe, expect, it } from 'vitest';
import { decodeLanded } from '../../shared/sources/decoding.js';

const bytesOf = (...parts: readonly (string | readonly number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : [...part])));

describe('decodeLanded', () => {
  it('reads UTF-8 strictly and drops its byte order mark', () => {
    // Prepare
    const bytes = Uint8Array.from(Buffer.from('\uFEFFlocation_id,name\n1-101234567,Café £5 “quoted”\n', 'utf8'));

    // Act
    const decoded = decodeLanded(bytes);

    // Assess
    expect(decoded).toEqual({ text: 'location_id,name\n1-101234567,Café £5 “quoted”\n', encoding: 'utf-8' });
  });

  it('reads a file that is not UTF-8 as Windows-1252: an accent, a pound sign and smart quotes', () => {
    // Prepare: what Excel on Windows saves as CSV
    const bytes = bytesOf('name,fee\r\nCaf', [0xe9], ',', [0xa3], '5 ', [0x93], 'weekly', [0x94], ' ', [0x80], [0x96], '\r\n');

    // Act
    const decoded = decodeLanded(bytes);

    // Assess
    expect(decoded).toEqual({ text: 'name,fee\r\nCafé,£5 “weekly” €–\r\n', encoding: 'windows-1252' });
  });

  it('refuses binary junk, UTF-16 and control bytes rather than guess', () => {
    // Prepare
    const png = bytesOf([0x89], 'PNG\r\n', [0x1a], '\n', [0x00, 0x00, 0x00, 0x0d], 'IHDR');
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Buffer.from('cqcid,usedbeds', 'utf16le')]);
    const control = bytesOf('Caf', [0xe9], [0x1b], '[31m');

    // Act
    const decoded = [png, utf16, control].map(decodeLanded);

    // Assess
    expect(decoded).toEqual([
      { error: 'the file is not text: a NUL byte at offset 8 (binary, or UTF-16)' },
      { error: 'the file is not text: a NUL byte at offset 3 (binary, or UTF-16)' },
      { error: 'the file is neither UTF-8 nor Windows-1252 text: byte 0x1B at offset 4' },
    ]);
  });

  it('refuses the bytes Windows-1252 leaves undefined, and a file mixing UTF-8 with another encoding', () => {
    // Prepare
    const undefinedByte = bytesOf('Caf', [0xe9], ' ', [0x81]);
    const mixed = Uint8Array.from([...Buffer.from('Café,', 'utf8'), ...bytesOf('Caf', [0xe9])]);

    // Act
    const decoded = [undefinedByte, mixed].map(decodeLanded);

    // Assess
    expect(decoded).toEqual([
      { error: 'the file is neither UTF-8 nor Windows-1252 text: byte 0x81 at offset 5' },
      { error: 'the file mixes UTF-8 with another encoding: resend it all in UTF-8' },
    ]);
  });

  it('never puts a replacement character in place of a byte it could not read', () => {
    // Prepare: every byte value, alone and after plain text
    const inputs = Array.from({ length: 256 }, (_, byte) => bytesOf('a,b\n', [byte]));

    // Act
    const texts = inputs.map(decodeLanded).flatMap((decoded) => ('text' in decoded ? [decoded.text] : []));

    // Assess
    expect(texts.length).toBeGreaterThan(200);
    expect(texts.filter((text) => text.includes('\uFFFD'))).toEqual([]);
  });
});
