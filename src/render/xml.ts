/**
 * XML escaping for the gate's JUnit file. Everything interpolated there comes (indirectly) from
 * user files and hostile data, so every string goes through `xmlText`/`xmlAttr`: no CDATA (a `]]>`
 * in an id would end it), and characters XML 1.0 cannot carry at all are replaced.
 */

// Code points XML 1.0 forbids even as references: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
const INVALID_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values are double-quoted; newlines and tabs are kept as references (no normalisation). */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
