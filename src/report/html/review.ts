import { basename } from 'node:path';
import { cleanText } from '../../render/clean.js';
import { html, type SafeHtml } from '../../render/html.js';
import { count } from '../../render/numbers.js';
import type { ReviewEntry } from '../load.js';
import { EMPTY, note, type SectionContext, table } from './parts.js';

/** What a human review round changed in the golden set: label transitions and reviewer conflicts. */
export function reviewSection(reviews: ReviewEntry[], ctx: SectionContext): SafeHtml {
  if (reviews.length === 0) return EMPTY;
  const L = ctx.limits;
  const name = (s: string) => cleanText(s, L.nameChars);
  const parts = reviews.map((r) => {
    const s = r.summary;
    const transitions = [...s.transitions]
      .sort((a, b) => b.count - a.count)
      .slice(0, L.agreementRows)
      .map((t) => [name(t.from), name(t.to), count(t.count)]);
    const conflicts = s.conflicts
      .slice(0, L.flipItems)
      .map((c) => [
        html`<code>${cleanText(c.id, L.nameChars)}</code>`,
        name(c.golden),
        c.answers.map((a) => `${cleanText(a.reviewer, 40)}: ${cleanText(a.label, 40)}`).join('; '),
        `${name(c.resolution)} (${c.policy})`,
      ]);
    return html`<h3>${cleanText(basename(s.output), 120)}</h3>${note(
      `${count(s.verdicts)} verdicts on ${count(s.reviewed)} items (${count(s.skipped)} skipped): ${count(s.relabelled)} golden labels changed, from ${cleanText(basename(s.previous.file), 120)} (sha256 ${s.previous.fingerprint.slice(0, 12)}).`,
    )}${transitions.length > 0 ? table(['golden before', 'after review', 'items'], transitions, 'num') : EMPTY}${
      conflicts.length > 0
        ? html`<h4>Reviewer conflicts</h4>${table(['id', 'golden', 'answers', 'resolution'], conflicts)}${
            s.conflicts.length > conflicts.length
              ? note(`${s.conflicts.length - conflicts.length} more are in ${basename(r.file)}.`)
              : EMPTY
          }`
        : EMPTY
    }`;
  });
  return html`<section id="review"><h2>Human review</h2>${parts}</section>`;
}
