import { join } from 'node:path';
import {
  type BuildResult,
  buildSpamAssassinDataset,
  OUTPUT_FILES,
} from '../../datasets/spamassassin/build.js';
import { packageRoot } from '../util/paths.js';

export type { BuildResult } from '../../datasets/spamassassin/build.js';
export type { Manifest as SpamAssassinManifest } from '../../datasets/spamassassin/manifest.js';

/** Where the built SpamAssassin golden set lives unless a caller says otherwise (git-ignored). */
export function spamAssassinDir(): string {
  return join(packageRoot(), 'datasets', 'spamassassin', 'build');
}

/** The dataset spec (column roles, labels, slices) that sits beside the built data. */
export function spamAssassinSpecPath(): string {
  return join(packageRoot(), 'datasets', 'spamassassin', 'spec.json');
}

export interface BuildSpamAssassinOptions {
  force?: boolean;
  outDir?: string;
  log?: (line: string) => void;
}

/** Build (or confirm current) the SpamAssassin train/golden Arrow files; see datasets/spamassassin/README.md. */
export function buildSpamAssassin(options: BuildSpamAssassinOptions = {}): Promise<BuildResult> {
  return buildSpamAssassinDataset({
    outDir: options.outDir ?? spamAssassinDir(),
    force: options.force ?? false,
    ...(options.log ? { log: options.log } : {}),
  });
}

/** Paths of the train and golden files, building them first when missing or stale. */
export async function ensureSpamAssassin(): Promise<{ train: string; golden: string }> {
  const result = await buildSpamAssassin();
  return { train: result.train, golden: result.golden };
}

export { OUTPUT_FILES as SPAMASSASSIN_FILES };
