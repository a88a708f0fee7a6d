/** Slice values are never null: anything that cannot be derived is this explicit value. */
export const UNKNOWN = 'unknown';

export const BODY_LENGTH_BUCKETS = ['<500', '500-2k', '2k-10k', '>=10k'] as const;
export type BodyLengthBucket = (typeof BODY_LENGTH_BUCKETS)[number];

/** Bucket of the normalised body length in characters, measured before the text cap. */
export function bodyLengthBucket(chars: number): BodyLengthBucket {
  if (chars < 500) return '<500';
  if (chars < 2000) return '500-2k';
  if (chars < 10_000) return '2k-10k';
  return '>=10k';
}

/**
 * Top-level domain of an e-mail address, lowercased. Address literals ([1.2.3.4]), numeric or
 * malformed labels give `unknown` rather than a junk slice value.
 */
export function senderTld(address: string | undefined): string {
  if (address === undefined) return UNKNOWN;
  const at = address.lastIndexOf('@');
  if (at < 0) return UNKNOWN;
  const domain = address
    .slice(at + 1)
    .trim()
    .replace(/[>.]+$/, '')
    .toLowerCase();
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (domain.indexOf('.') < 0 || !/^[a-z][a-z0-9-]{0,62}$/.test(tld)) return UNKNOWN;
  return tld;
}

/**
 * Year of the Date header. postal-mime gives an ISO string when the header parses and the raw
 * value otherwise; only a parsed, plausible year (1970–2100) counts.
 */
export function yearOf(date: string | undefined): string {
  if (date === undefined || !/^\d{4}-\d\d-\d\dT/.test(date)) return UNKNOWN;
  const year = Number(date.slice(0, 4));
  return year >= 1970 && year <= 2100 ? String(year) : UNKNOWN;
}

export const NO_CHARSET = 'none';

/**
 * Declared charset of the part that supplies the body: the first `text/plain` part's Content-Type,
 * else the first `text/html` part's. postal-mime does not expose its MIME tree, so this scans the
 * raw message (decoded as latin1, which maps bytes 1:1) for Content-Type header lines, folded
 * continuation lines included.
 */
export function declaredCharset(rawLatin1: string): string {
  const re = /^content-type:[ \t]*text\/(plain|html)\b([^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*)/gim;
  let html: string | undefined;
  for (let m = re.exec(rawLatin1); m !== null; m = re.exec(rawLatin1)) {
    const cs = /charset[ \t]*=[ \t]*"?([^";\s]*)/i.exec(m[2] ?? '');
    const value = cs?.[1] ? cleanCharset(cs[1]) : NO_CHARSET;
    if (m[1]?.toLowerCase() === 'plain') return value;
    html ??= value;
  }
  return html ?? NO_CHARSET;
}

function cleanCharset(s: string): string {
  const v = s.toLowerCase().replace(/^['"]|['"]$/g, '');
  return /^[a-z0-9][a-z0-9._:+-]{0,39}$/.test(v) ? v : UNKNOWN;
}
