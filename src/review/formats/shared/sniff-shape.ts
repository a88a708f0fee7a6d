/**
 * The structure verdict readers sniff: whether a JSON file is an array or an object, and the keys
 * of its first record (the array's first element, or the object itself; a JSON Lines file's first
 * line is such an object). Found by scanning, so a first record with a very long text is read to
 * its end rather than cut off by a fixed window, and no value is parsed.
 */
export interface SniffShape {
  /** `array` or `object` for text starting with `[` or `{` (after a BOM and blanks), else null. */
  root: 'array' | 'object' | null;
  /** Top-level keys of the first record (empty when it is not an object). */
  keys: ReadonlySet<string>;
}

const BLANK = /\s/;

function skipBlanks(text: string, i: number): number {
  while (i < text.length && (BLANK.test(text[i]!) || text[i] === '\uFEFF')) i++;
  return i;
}

/** Index just past the string whose opening quote is at `i` (text.length when unterminated). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    let backslashes = 0;
    for (let k = q - 1; k > i && text[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

function decodeKey(raw: string): string | null {
  try {
    const key: unknown = JSON.parse(raw);
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}

export function firstRecordShape(text: string): SniffShape {
  const keys = new Set<string>();
  let i = skipBlanks(text, 0);
  const first = text[i];
  if (first !== '[' && first !== '{') return { root: null, keys };
  const root = first === '[' ? 'array' : 'object';
  if (root === 'array') {
    i = skipBlanks(text, i + 1);
    if (text[i] !== '{') return { root, keys };
  }
  // At the record's opening brace: walk it, taking the strings that stand as keys at depth 1.
  let depth = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        const key = decodeKey(text.slice(i, end));
        if (key !== null && text[skipBlanks(text, end)] === ':') keys.add(key);
        expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectKey = true;
    i++;
  }
  return { root, keys };
}
