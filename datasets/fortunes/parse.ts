/** ROT13 on ASCII letters only, as strfile -x and fortune -o do (accented letters are left alone). */
export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

// ANSI escape sequences (a few files use them for bold), other C0/C1 controls, and bidi controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * One entry as a model and a reviewer should see it: NFC, no control or escape sequences, tabs as
 * spaces, trailing spaces and blank edge lines removed. Line breaks are kept: they carry structure
 * (dialogue, attribution lines).
 */
export function cleanEntry(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(ANSI, '')
    .replace(/\t/g, ' ')
    .replace(CONTROLS, '')
    .normalize('NFC')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '')
    .trim();
}

/** The key duplicates are found by: case, accents' composition and whitespace do not count. */
export function dedupeKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Split a fortune file into its raw entries: entries are separated by a line holding only the
 * delimiter (`%`). Empty entries (between two delimiters, or after the last) are dropped.
 */
export function splitEntries(text: string, delimiter = '%'): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === delimiter) {
      out.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  out.push(current.join('\n'));
  return out.filter((e) => e.trim() !== '');
}

/** Decode a fortune file: UTF-8 when valid, else Latin-1 (older fortune files); reports which. */
export function decodeFile(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'latin1' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}
