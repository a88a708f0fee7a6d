import type { Xoshiro128 } from '../../util/prng.js';
import { pick } from '../text.js';
import type { Perturbation } from './perturbation.js';

/** The first English auxiliary a negation attaches to ("is" -> "is not"). */
const AUXILIARY = /\b(is|are|was|were|will|can|should|would|could|do|does|did|must|am)\b/i;

function negate(text: string): string {
  const m = AUXILIARY.exec(text);
  if (m) return `${text.slice(0, m.index + m[0].length)} not${text.slice(m.index + m[0].length)}`;
  return text === '' ? text : `It is not true that ${text}`;
}

export const negation: Perturbation = {
  id: 'negation',
  kind: 'dir',
  direction: 'down',
  description:
    '"not" after the first English auxiliary (is, are, will, ...), else "It is not true that " before the text',
  defaultRate: 1,
  apply: (text) => negate(text.normalize('NFC')),
};

/** Counter-speech frames (HateCheck's "denouncements of hate that quote it"). */
export const QUOTE_FRAMES: readonly (readonly [string, string])[] = [
  ['Someone sent me this: "', '" That is not acceptable.'],
  ['Reporting this message: "', '" Nobody should have to read that.'],
  ['Quoting so people can see it: "', '" This is what we are fighting.'],
];

export const quoting: Perturbation = {
  id: 'quoting',
  kind: 'dir',
  direction: 'down',
  description: 'the text quoted inside a counter-speech frame that condemns it',
  defaultRate: 1,
  apply: (text, rng: Xoshiro128) => {
    const [open, close] = pick(rng, QUOTE_FRAMES);
    return (open + text + close).normalize('NFC');
  },
};

export const THREATS = [
  ' I know where you live and I will hurt you.',
  ' Do it or you will regret it, I will find you.',
  ' Watch your back, you will get what is coming.',
] as const;

export const threat: Perturbation = {
  id: 'threat',
  kind: 'dir',
  direction: 'up',
  description: 'an explicit English threat appended to the text',
  defaultRate: 1,
  apply: (text, rng) => (text + pick(rng, THREATS)).normalize('NFC'),
};
