/**
 * A safety audit of the finished report markup, run before the file is written (and by the tests).
 * The report is built to need no script, no link and no external resource; this tokenizer checks
 * that the bytes say so: an escaping slip anywhere (ours or a chart library's) fails the build
 * instead of shipping. It reads our own output (every attribute quoted), not arbitrary HTML.
 */

/** Elements the report never emits: script carriers, resource loaders, forms, SVG animation. */
const FORBIDDEN_TAGS = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'link',
  'base',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'img',
  'image',
  'video',
  'audio',
  'source',
  'track',
  'picture',
  'portal',
  'foreignobject',
  'use',
  'animate',
  'animatemotion',
  'animatetransform',
  'set',
  'template',
  'noscript',
  'math',
]);

/** Attributes that can load or run something; `href` is allowed for in-page anchors only. */
const URL_ATTRIBUTES = new Set([
  'href',
  'xlink:href',
  'src',
  'action',
  'formaction',
  'srcdoc',
  'data',
  'poster',
]);

/** Presentation attributes that take a url() (only same-document references are allowed). */
const PAINT_ATTRIBUTES = /^(fill|stroke|clip-path|mask|filter|marker(-start|-mid|-end)?|cursor)$/;

export interface MarkupTag {
  name: string;
  attributes: { name: string; value: string }[];
}

const NAME = /[A-Za-z][A-Za-z0-9:_-]*/y;

/** Tokenise start tags (name and attributes); comments, doctype and end tags are skipped. */
export function startTags(markup: string): MarkupTag[] {
  const tags: MarkupTag[] = [];
  let i = 0;
  while (true) {
    i = markup.indexOf('<', i);
    if (i < 0) break;
    if (markup.startsWith('<!--', i)) {
      const end = markup.indexOf('-->', i + 4);
      i = end < 0 ? markup.length : end + 3;
      continue;
    }
    if (markup[i + 1] === '!' || markup[i + 1] === '/' || markup[i + 1] === '?') {
      const end = markup.indexOf('>', i);
      i = end < 0 ? markup.length : end + 1;
      continue;
    }
    NAME.lastIndex = i + 1;
    const name = NAME.exec(markup);
    if (!name) {
      // A bare '<' in text: browsers show it as text, but we always escape it, so flag it.
      tags.push({ name: '#bare-lt', attributes: [] });
      i++;
      continue;
    }
    const tag: MarkupTag = { name: name[0].toLowerCase(), attributes: [] };
    let j = i + 1 + name[0].length;
    while (j < markup.length) {
      while (/\s/.test(markup[j] ?? '')) j++;
      const c = markup[j];
      if (c === '>' || c === undefined) break;
      if (c === '/') {
        j++;
        continue;
      }
      NAME.lastIndex = j;
      const attr = NAME.exec(markup);
      if (!attr) {
        tag.attributes.push({ name: `#malformed:${markup.slice(j, j + 20)}`, value: '' });
        j++;
        continue;
      }
      j += attr[0].length;
      let value = '';
      if (markup[j] === '=') {
        const q = markup[j + 1];
        if (q === '"' || q === "'") {
          const end = markup.indexOf(q, j + 2);
          value = markup.slice(j + 2, end < 0 ? markup.length : end);
          j = end < 0 ? markup.length : end + 1;
        } else {
          const m = /[^\s>]*/y;
          m.lastIndex = j + 1;
          value = m.exec(markup)![0];
          j += 1 + value.length;
        }
      }
      tag.attributes.push({ name: attr[0].toLowerCase(), value: decodeEntities(value) });
    }
    tags.push(tag);
    i = j + 1;
  }
  return tags;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return named[e.toLowerCase()] ?? whole;
  });
}

/** Problems found in report markup; empty when it is safe to write. */
/**
 * The one image the report may carry: an inline thumbnail, `<img>` whose only URL is a base64 JPEG,
 * PNG or WebP data URI (no request can follow from it), with an `alt` text.
 */
const THUMBNAIL_SRC = /^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

function isInlineThumbnail(tag: MarkupTag): boolean {
  if (tag.name !== 'img') return false;
  const allowed = new Set(['src', 'alt', 'class', 'width', 'height', 'title']);
  const src = tag.attributes.find((a) => a.name === 'src');
  return (
    src !== undefined && THUMBNAIL_SRC.test(src.value) && tag.attributes.every((a) => allowed.has(a.name))
  );
}

export function auditMarkup(markup: string): string[] {
  const problems: string[] = [];
  for (const tag of startTags(markup)) {
    if (tag.name === '#bare-lt') problems.push('unescaped "<" in text');
    if (isInlineThumbnail(tag)) continue;
    if (FORBIDDEN_TAGS.has(tag.name)) problems.push(`forbidden element <${tag.name}>`);
    if (tag.name === 'meta') {
      const allowed = tag.attributes.every((a) =>
        ['charset', 'name', 'content', 'http-equiv'].includes(a.name),
      );
      const refresh = tag.attributes.some(
        (a) => a.name === 'http-equiv' && a.value.toLowerCase() === 'refresh',
      );
      if (!allowed || refresh) problems.push('unexpected <meta> element');
    }
    for (const a of tag.attributes) {
      if (a.name.startsWith('#malformed')) problems.push(`malformed attribute in <${tag.name}>`);
      if (a.name.startsWith('on')) problems.push(`event-handler attribute ${a.name} on <${tag.name}>`);
      if (URL_ATTRIBUTES.has(a.name) && !(a.name === 'href' && /^#[A-Za-z0-9_-]*$/.test(a.value))) {
        problems.push(`URL attribute ${a.name} on <${tag.name}>`);
      }
      if (a.name === 'style' && /url\s*\(|expression\s*\(|@import/i.test(a.value)) {
        problems.push(`style attribute that loads a resource on <${tag.name}>`);
      }
      if (PAINT_ATTRIBUTES.test(a.name) && /url\s*\(\s*['"]?(?!#)/i.test(a.value)) {
        problems.push(`non-local url() in ${a.name} on <${tag.name}>`);
      }
    }
  }
  return problems;
}
