import { Buffer, isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { TextDecoder } from 'node:util';
import type { CardFormat } from '../../contract/role-card';

// Reading an import file safely: the size is checked before a byte is read, binary files and
// unknown encodings are refused with what to do instead, and text comes back decoded.
// UTF-8 (with or without BOM) is always accepted; GB18030 (a superset of GBK, what Chinese
// Excel writes for "CSV") only where the caller allows it, because JSON must be UTF-8.

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';
export type ReadResult = { ok: true; text: string; encoding: TextEncoding } | { ok: false; reason: string };

export function readTextFile(path: string, options: { allowGb18030: boolean; what: string }): ReadResult {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, reason: `This is a folder, not a ${options.what} file` };
    size = stat.size;
  } catch {
    return { ok: false, reason: 'The file does not exist or cannot be opened' };
  }
  if (size > MAX_IMPORT_BYTES) {
    return { ok: false, reason: `The file is ${(size / 1024 / 1024).toFixed(0)} MB; the limit is 100 MB. Split it into smaller files and import each` };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, reason: `The file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return decodeText(bytes, options);
}

const gb18030 = new TextDecoder('gb18030', { fatal: true });

export function decodeText(bytes: Uint8Array, options: { allowGb18030: boolean; what: string }): ReadResult {
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty' };
  const refusal = binaryKind(bytes);
  if (refusal) return { ok: false, reason: refusal };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = decodeUtf8(bytes.subarray(3));
    if (text !== undefined) return { ok: true, text, encoding: 'utf-8-bom' };
    return { ok: false, reason: invalidUtf8(bytes, 'The file starts with a UTF-8 mark but') };
  }
  const text = decodeUtf8(bytes);
  if (text !== undefined) return { ok: true, text, encoding: 'utf-8' };
  const chinese = tryDecode(gb18030, bytes);
  if (chinese !== undefined && options.allowGb18030) return { ok: true, text: chinese, encoding: 'gb18030' };
  if (chinese !== undefined) {
    return {
      ok: false,
      reason: `The file is not UTF-8; it looks like GB18030/GBK (as Chinese Windows and Excel save; the first such byte is at ${firstInvalidPlace(bytes)}). A ${options.what} file must be UTF-8: save it again as UTF-8`,
    };
  }
  return {
    ok: false,
    reason: invalidUtf8(bytes, 'The file').concat(
      options.allowGb18030 ? ' and is not GB18030/GBK either: save it as UTF-8' : ': save it as UTF-8',
    ),
  };
}

/** Strict UTF-8: validated first (simdutf, far faster than a fatal TextDecoder on large files), then decoded. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  return isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : undefined;
}

function tryDecode(decoder: TextDecoder, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Names the line of the first byte that is not UTF-8, so the user can find it. */
function invalidUtf8(bytes: Uint8Array, subject: string): string {
  return `${subject} is not valid UTF-8 (${firstInvalidPlace(bytes)})`;
}

/** "line 3, byte 120": where the first byte that is not UTF-8 is (the byte counted from 1). */
function firstInvalidPlace(bytes: Uint8Array): string {
  const at = firstInvalidUtf8(bytes);
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
  return `line ${line}, byte ${at + 1}`;
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

/** A reason to refuse a file that is not text, or undefined for text. Looks at the first 64 KB. */
export function binaryKind(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((v, i) => bytes[i] === v);
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    return 'This is a ZIP archive (an Excel .xlsx workbook is one), not text. In Excel choose Save As › "CSV UTF-8", then import the .csv';
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return 'This is an old Excel .xls workbook, not text. In Excel choose Save As › "CSV UTF-8"';
  if (starts(0xff, 0xfe)) return utf16('little-endian');
  if (starts(0xfe, 0xff)) return utf16('big-endian');
  const head = bytes.subarray(0, 64 * 1024);
  const order = utf16Order(head);
  if (order) return utf16(`${order}, without a byte-order mark`);
  let control = 0;
  for (const b of head) {
    if (b === 0) return 'This is a binary file (it contains NUL bytes), not text';
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) control++;
  }
  if (control > head.length * 0.05) return 'This is a binary file (mostly control characters), not text';
  return undefined;
}

const utf16 = (kind: string) => `The file is UTF-16 (${kind}), not UTF-8: save as UTF-8 (in Excel: Save As › "CSV UTF-8") and import again`;

/**
 * UTF-16 saved without a byte-order mark (Windows "Unicode" text): the NULs are the high bytes
 * of ASCII characters (digits, commas, quotes, line ends), so they sit on one side of the byte
 * pairs, and the bytes read as UTF-16 give clean text. Binary files have NULs on both sides
 * or do not decode to text.
 */
function utf16Order(head: Uint8Array): 'little-endian' | 'big-endian' | undefined {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  // A few NULs on the other side are characters such as 一 (U+4E00), whose low byte is 0.
  if (even + odd === 0 || Math.min(even, odd) > (even + odd) * 0.2) return undefined;
  const order = odd > even ? 'little-endian' : 'big-endian';
  const text = new TextDecoder(order === 'little-endian' ? 'utf-16le' : 'utf-16be').decode(head.subarray(0, head.length & ~1));
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0xfffd || c === 0x7f || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c)) bad++;
  }
  return bad <= text.length * 0.01 ? order : undefined;
}

/** The format of a path for `--format auto`: by folder or extension, else by the first character. */
export function detectFormat(path: string, isFolder: boolean, peek: () => string | undefined): CardFormat | { error: string } {
  if (isFolder) return 'paper';
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.txt') {
    return {
      error:
        'A .txt file is one paper-format card at most: import the folder that holds raw_role_card/ and user_profiles/ (--format paper), or give --format csv for a CSV saved as .txt',
    };
  }
  const text = peek()?.replace(/^\uFEFF/, '').trimStart();
  if (text === undefined) return { error: 'Cannot tell the format; pass --format paper, json, jsonl or csv' };
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) {
    const lines = text.split('\n', 3).filter((l) => l.trim() !== '');
    return lines.length > 1 && lines.every((l) => l.trimStart().startsWith('{')) ? 'jsonl' : 'json';
  }
  return 'csv';
}
