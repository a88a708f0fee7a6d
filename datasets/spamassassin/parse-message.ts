import { convert } from 'html-to-text';
import PostalMime, { type Address, type Attachment } from 'postal-mime';
import { bodyLengthBucket, declaredCharset, senderTld, yearOf } from './slices.js';
import { composeText, normalizeWhitespace } from './text.js';

/** Everything the builder keeps from one message: the model text and the slice values. */
export interface ParsedMessage {
  subject: string;
  text: string;
  /** Normalised body length before the cap (drives `body_length`). */
  bodyChars: number;
  hasHtml: boolean;
  hasAttachment: boolean;
  multipart: boolean;
  charset: string;
  senderTld: string;
  year: string;
  bodyLength: string;
}

/** Images and link targets are noise for a text model; no hard wrapping of lines. */
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { ignoreHref: true } },
  ],
};

export function htmlBodyToText(html: string): string {
  return convert(html, HTML_OPTIONS);
}

/**
 * mbox archives start each message with a `From sender date` envelope line, which is not a
 * header; drop it so the parser sees the message's real first header.
 */
export function stripMboxEnvelope(raw: Uint8Array): Uint8Array {
  const isFrom = raw[0] === 0x46 && raw[1] === 0x72 && raw[2] === 0x6f && raw[3] === 0x6d && raw[4] === 0x20;
  if (!isFrom) return raw;
  const nl = raw.indexOf(0x0a);
  return nl < 0 ? raw : raw.subarray(nl + 1);
}

/**
 * A file the sender attached: a part marked `Content-Disposition: attachment`, or a named part
 * that is not an inline resource of the HTML. Unnamed alternatives postal-mime lists as
 * attachments (e.g. a text/enriched twin of the text part) do not count.
 */
export function isRealAttachment(a: Attachment): boolean {
  return a.disposition === 'attachment' || (a.filename !== null && a.related !== true);
}

function firstAddress(from: Address | undefined): string | undefined {
  if (from === undefined) return undefined;
  if (from.group !== undefined) return from.group[0]?.address;
  return from.address;
}

/**
 * Parse one raw RFC 822 message. The body is the plain-text part when it has any content,
 * otherwise the HTML part converted to text; the decoded subject goes first (see composeText).
 */
export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  const bytes = stripMboxEnvelope(raw);
  const email = await PostalMime.parse(bytes);
  const subject = email.subject ?? '';
  const html = email.html ?? '';
  const hasHtml = html.trim().length > 0;
  let body = normalizeWhitespace(email.text ?? '');
  if (body.length === 0 && hasHtml) body = normalizeWhitespace(htmlBodyToText(html));
  const contentType = email.headers.find((h) => h.key === 'content-type')?.value ?? '';
  return {
    subject: normalizeWhitespace(subject),
    text: composeText(subject, body),
    bodyChars: body.length,
    hasHtml,
    hasAttachment: email.attachments.some(isRealAttachment),
    multipart: /^\s*multipart\//i.test(contentType),
    charset: declaredCharset(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
    ),
    senderTld: senderTld(firstAddress(email.from)),
    year: yearOf(email.date),
    bodyLength: bodyLengthBucket(body.length),
  };
}
