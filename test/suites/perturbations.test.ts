import { describe, expect, it } from 'vitest';
import { EMOJI } from '../../src/suites/perturbations/emoji.js';
import { HOMOGLYPHS } from '../../src/suites/perturbations/homoglyphs.js';
import { IDENTITY_GROUPS } from '../../src/suites/perturbations/identity.js';
import { PERTURBATIONS, type Perturbation, perturbation } from '../../src/suites/perturbations/index.js';
import { PDF, RLO, ZERO_WIDTH } from '../../src/suites/perturbations/invisible.js';
import { LEET } from '../../src/suites/perturbations/leetspeak.js';
import { caseRng } from '../../src/suites/seed.js';
import { splitWords } from '../../src/suites/text.js';

// Hostile inputs: shapes real moderation traffic carries (RTL scripts, combining marks that NFC
// cannot compose, emoji ZWJ and flag sequences, empty, 1 MB). Hand-written: no dataset in the repo
// mixes them on purpose.
const SPAM =
  'FREE money!!! Visit http://example.com/win or email me@spam.biz, follow @winner_now. Women are great.';
const HOSTILE: Record<string, string> = {
  spam: SPAM,
  arabic: 'مرحبا بالعالم، هذا عرض free مجاني http://مثال.com',
  hebrew: 'שלום עולם — buy now! זה מבצע',
  combining: 'Cafe\u0301 Z\u0334\u0335a\u0336lgo t\u0308e\u0323st n\u0303o Muslims',
  emoji: '👩‍👩‍👧‍👦 family 🏳️‍🌈 pride 👍🏽 ok 🇫🇷 paris is great',
  empty: '',
};
const big = `${Object.values(HOSTILE).join(' \n')} `;
const MEGABYTE = big.repeat(Math.ceil(2 ** 20 / Buffer.byteLength(big))); // ≥ 1 MB of UTF-8

function validUtf8(text: string): boolean {
  const bytes = new TextEncoder().encode(text); // a lone surrogate would become U+FFFD here
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes) === text;
}

const run = (p: Perturbation, text: string, seed = 7, rate = p.defaultRate) =>
  p.apply(text, caseRng(seed, 'case-1', p.id), rate);

const strip = (text: string, chars: readonly string[]) => chars.reduce((t, c) => t.split(c).join(''), text);

/** Separators between two ASCII letters removed. */
const unjoin = (text: string, sep: RegExp) =>
  text.replace(new RegExp(`(?<=[A-Za-z])${sep.source}(?=[A-Za-z])`, 'g'), '');

/** The documented change of each perturbation, checked against the input. */
const CHANGE: Record<string, (input: string, output: string) => void> = {
  typos: (i, o) => {
    const a = splitWords(i);
    const b = splitWords(o);
    expect(b.map((p) => (p.word ? '' : p.text))).toEqual(a.map((p) => (p.word ? '' : p.text)));
    a.forEach((p, k) => {
      if (!p.word) return;
      expect(Math.abs(b[k]!.text.length - p.text.length)).toBeLessThanOrEqual(1);
      expect(b[k]!.text[0]).toBe(p.text[0]);
    });
  },
  case: (i, o) => {
    expect(o.length).toBe(i.normalize('NFC').length);
    expect(o.toLowerCase()).toBe(i.normalize('NFC').toLowerCase());
  },
  punctuation: (i, o) => expect(unjoin(o, /[.\-*_]/)).toBe(unjoin(i.normalize('NFC'), /[.\-*_]/)),
  spacing: (i, o) => expect(unjoin(o, / /)).toBe(unjoin(i.normalize('NFC'), / /)),
  leetspeak: (i, o) => {
    const n = i.normalize('NFC');
    expect(o.length).toBe(n.length);
    for (let k = 0; k < n.length; k++) if (o[k] !== n[k]) expect(LEET.get(n[k]!.toLowerCase())).toBe(o[k]);
  },
  homoglyphs: (i, o) => {
    const n = i.normalize('NFC');
    expect(o.length).toBe(n.length);
    for (let k = 0; k < n.length; k++) if (o[k] !== n[k]) expect(HOMOGLYPHS.get(n[k]!)).toContain(o[k]);
  },
  'zero-width': (i, o) => expect(strip(o, ZERO_WIDTH)).toBe(strip(i.normalize('NFC'), ZERO_WIDTH)),
  bidi: (i, o) =>
    expect(
      o.replace(new RegExp(`${RLO}([^${PDF}]*)${PDF}`, 'g'), (_, w: string) => [...w].reverse().join('')),
    ).toBe(i.normalize('NFC')),
  emoji: (i, o) => {
    // The inputs hold 👍🏽 themselves: compare with the added emoji counted, not stripped blindly.
    const count = (t: string) => EMOJI.reduce((n, e) => n + t.split(e).length - 1, 0);
    expect(count(o)).toBeGreaterThanOrEqual(count(i));
    expect(strip(o, EMOJI)).toBe(strip(i.normalize('NFC'), EMOJI));
  },
  url: (i, o) => {
    if (i === SPAM) {
      expect(o).toContain('hxxp://example');
      expect(o).not.toContain('example.com');
      expect(o).not.toContain('me@spam');
      expect(o).not.toMatch(/@winner/);
    }
    if (!/[.@]/.test(i)) expect(o).toBe(i.normalize('NFC'));
  },
  'identity-swap': (i, o) => {
    const a = splitWords(i);
    const b = splitWords(o);
    expect(b.length).toBe(a.length);
    a.forEach((p, k) => {
      if (p.text === b[k]!.text) return;
      const group = IDENTITY_GROUPS.find((g) => g.includes(p.text.toLowerCase()));
      expect(group).toContain(b[k]!.text.toLowerCase());
    });
  },
  negation: (i, o) => {
    if (i === '') expect(o).toBe('');
    else expect([o.replace(' not', ''), o.replace('It is not true that ', '')]).toContain(i.normalize('NFC'));
  },
  quoting: (i, o) => expect(o).toContain(`"${i.normalize('NFC')}"`),
  threat: (i, o) =>
    expect(o.startsWith(i.normalize('NFC')) && o.length > i.normalize('NFC').length).toBe(true),
};

describe('text perturbations', () => {
  it('every registered perturbation has its documented change checked here', () => {
    expect(PERTURBATIONS.map((p) => p.id).sort()).toEqual(Object.keys(CHANGE).sort());
  });

  describe.each(PERTURBATIONS.map((p) => [p.id, p] as const))('%s', (_id, p) => {
    it.each(Object.keys(HOSTILE))(
      'on %s text: valid UTF-8, NFC, the documented change, same seed same bytes',
      (name) => {
        const input = HOSTILE[name]!;
        const out = run(p, input);
        expect(validUtf8(out)).toBe(true);
        expect(out).toBe(out.normalize('NFC'));
        CHANGE[p.id]!(input, out);
        expect(Buffer.from(run(p, input))).toEqual(Buffer.from(out));
      },
    );

    it('changes the spam text at rate 1, and leaves it alone at rate 0 (inv perturbations)', () => {
      expect(run(p, SPAM, 7, 1)).not.toBe(SPAM);
      if (p.kind === 'inv') expect(run(p, SPAM, 7, 0)).toBe(SPAM);
    });
  });

  it('on 1 MB of all of that: valid UTF-8, NFC, the documented change', async () => {
    for (const p of PERTURBATIONS) {
      const out = run(p, MEGABYTE);
      expect(validUtf8(out)).toBe(true);
      expect(out === out.normalize('NFC')).toBe(true);
      CHANGE[p.id]!(MEGABYTE, out);
      await new Promise((r) => setImmediate(r)); // let the worker answer vitest between the heavy ones
    }
  });

  it('another seed gives another case where the perturbation draws', () => {
    const p = perturbation('leetspeak');
    const outs = new Set([1, 2, 3, 4, 5].map((s) => run(p, SPAM, s, 0.5)));
    expect(outs.size).toBeGreaterThan(1);
  });

  it('never splits a grapheme: letters with a mark NFC cannot compose, and flag pairs, stay whole', () => {
    for (const p of PERTURBATIONS) {
      const out = run(p, HOSTILE.combining!, 3, 1);
      expect(out).toContain('Z\u0334\u0335');
      expect(out).toContain('a\u0336');
      expect(run(p, HOSTILE.emoji!, 3, 1)).toContain('👩‍👩‍👧‍👦');
      expect(run(p, HOSTILE.emoji!, 3, 1)).toContain('🇫🇷');
    }
  });

  it('examples read as documented', () => {
    expect(run(perturbation('spacing'), 'free money', 1, 1)).toBe('f r e e m o n e y');
    expect(run(perturbation('leetspeak'), 'viagra', 1, 1)).toBe('v149r4');
    expect(run(perturbation('homoglyphs'), 'pop', 1, 1)).not.toMatch(/[a-z]/);
    expect(run(perturbation('negation'), 'You are an idiot', 1, 1)).toBe('You are not an idiot');
    expect(run(perturbation('identity-swap'), 'Muslims are', 1, 1)).toMatch(
      /^(Christians|Jews|Hindus|Buddhists|Atheists) are$/,
    );
  });
});
