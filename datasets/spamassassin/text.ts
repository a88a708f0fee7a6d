/** Longest `text` value written, in UTF-16 code units; longer messages are cut (see README). */
export const MAX_TEXT_CHARS = 20_000;

/**
 * Whitespace normalisation: CRLF/CR → LF, non-breaking and other horizontal blanks → one space,
 * zero-width spaces and BOMs dropped, blanks trimmed at line ends, at most one empty line in a row, no leading/trailing blank lines.
 * Paragraph breaks survive (they carry meaning for models); runs of layout whitespace do not.
 */
export function normalizeWhitespace(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000 ]+/g, ' ')
    .replace(/[\u200b\u2060\ufeff]/g, '')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cut to at most `max` code units without splitting a surrogate pair. */
export function capText(s: string, max: number = MAX_TEXT_CHARS): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return s.slice(0, end).trimEnd();
}

/** The model-facing text: subject, a blank line, body; either part may be empty. */
export function composeText(subject: string, body: string): string {
  const parts = [normalizeWhitespace(subject), normalizeWhitespace(body)].filter((p) => p.length > 0);
  return capText(parts.join('\n\n'));
}
