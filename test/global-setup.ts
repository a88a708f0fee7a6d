import { buildFortunes } from '../datasets/fortunes/index.js';
import { ensureSpamAssassin } from '../datasets/spamassassin/index.js';

/**
 * Build the real SpamAssassin and fortunes golden sets once, before any test file runs, so that the suites that
 * read it (in parallel workers) never race to build it. Skipped when the build is current.
 */
export default async function setup(): Promise<void> {
  await ensureSpamAssassin();
  await buildFortunes();
}
