import type { Xoshiro128 } from '../../util/prng.js';
import { chance, graphemes, pick } from '../text.js';
import type { Perturbation } from './perturbation.js';

const URL_LIKE = /^(?:(https?):\/\/)?((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(\/[!-~]*)?$/;
const HANDLE = /^@[A-Za-z0-9_]{2,}$/;
const EMAIL = /^([A-Za-z0-9._%+-]+)@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})$/;

/** The ways a dot is written out to dodge link detectors. */
export const DOTS = ['[.]', '(.)', ' dot ', '(dot)'] as const;
export const ATS = ['[at]', ' at ', '(at)'] as const;

/** A token with its surrounding brackets, quotes and trailing punctuation peeled off first. */
function defang(token: string, rng: Xoshiro128): string {
  const m = /^([("'<[]*)(.*?)([)"'>\].,;:!?]*)$/.exec(token)!;
  return m[1]! + defangCore(m[2]!, rng) + m[3]!;
}

function defangCore(token: string, rng: Xoshiro128): string {
  const email = EMAIL.exec(token);
  if (email) return email[1]! + pick(rng, ATS) + email[2]!.split('.').join(pick(rng, DOTS));
  if (HANDLE.test(token)) return `${pick(rng, ATS).trim()} ${token.slice(1)}`;
  const url = URL_LIKE.exec(token);
  if (!url) return token;
  const scheme = url[1] ? `${url[1].replace(/tt/i, 'xx')}://` : '';
  return scheme + url[2]!.split('.').join(pick(rng, DOTS)) + (url[3] ?? '');
}

export const urlObfuscation: Perturbation = {
  id: 'url',
  kind: 'inv',
  description:
    'a share of the links, e-mail addresses and @handles defanged: hxxp://, dots as [.] (.) " dot " (dot), @ as [at] " at " (at)',
  defaultRate: 1,
  apply: (text, rng, rate) => {
    // Tokens are runs of graphemes between whitespace; only all-ASCII tokens are touched, so a
    // combining mark or an emoji next to a link is kept whole.
    const out: string[] = [];
    let token = '';
    let ascii = true;
    const flush = () => {
      out.push(ascii && token !== '' && chance(rng, rate) ? defang(token, rng) : token);
      token = '';
      ascii = true;
    };
    for (const g of graphemes(text)) {
      if (/^\s+$/u.test(g)) {
        flush();
        out.push(g);
        continue;
      }
      token += g;
      if (g.length !== 1 || g > '\x7e') ascii = false;
    }
    flush();
    return out.join('');
  },
};
