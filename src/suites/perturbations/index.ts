import { z } from 'zod';
import { caseFlip } from './case.js';
import { negation, quoting, threat } from './directional.js';
import { emoji } from './emoji.js';
import { homoglyphs } from './homoglyphs.js';
import { identitySwap } from './identity.js';
import { bidi, zeroWidth } from './invisible.js';
import { leetspeak } from './leetspeak.js';
import type { Perturbation } from './perturbation.js';
import { punctuation, spacing } from './separators.js';
import { typos } from './typos.js';
import { urlObfuscation } from './url.js';

export type { Perturbation } from './perturbation.js';

/**
 * Every text perturbation a suite can name. The spec's enum, docs and --help come from this list:
 * a new perturbation is a module in this folder and its line here.
 */
export const PERTURBATIONS = [
  typos,
  caseFlip,
  punctuation,
  spacing,
  leetspeak,
  homoglyphs,
  zeroWidth,
  bidi,
  emoji,
  urlObfuscation,
  identitySwap,
  negation,
  quoting,
  threat,
] as const satisfies readonly Perturbation[];

export type PerturbationId = (typeof PERTURBATIONS)[number]['id'];

export const PerturbationIdSchema = z.enum(
  PERTURBATIONS.map((p) => p.id) as [PerturbationId, ...PerturbationId[]],
);

export function perturbation(id: PerturbationId): Perturbation {
  return PERTURBATIONS.find((p) => p.id === id)!;
}
