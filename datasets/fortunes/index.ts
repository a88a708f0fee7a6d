import { join } from 'node:path';
import {
  type BuiltinDatasetBuild,
  type DataBuildOptions,
  DataBuildOptionsSchema,
} from '../../src/dataset/builtin.js';
import { renderTable, terminalText } from '../../src/render/terminal.js';
import { packageRoot } from '../../src/util/paths.js';
import { checkOption } from '../../src/util/zod.js';
import { type BuildResult, buildFortunesDataset, OUTPUT_FILES } from './build.js';

export type { BuildResult } from './build.js';
export type { Manifest as FortunesManifest } from './manifest.js';
export { OUTPUT_FILES as FORTUNES_FILES };

/** Where the built fortunes golden set lives unless a caller says otherwise (git-ignored). */
export function fortunesDir(): string {
  return join(packageRoot(), 'datasets', 'fortunes', 'build');
}

/** The dataset spec (policy taxonomy, slices), kept in git beside the builder. */
export function fortunesSpecPath(): string {
  return join(packageRoot(), 'datasets', 'fortunes', 'spec.json');
}

/** Build (or confirm current) the es/it fortunes train/golden files; see README.md here. */
export function buildFortunes(options: DataBuildOptions & { root?: string } = {}): Promise<BuildResult> {
  const { force, outDir } = checkOption(DataBuildOptionsSchema, options, 'data build options');
  return buildFortunesDataset({
    outDir: outDir ?? fortunesDir(),
    force,
    ...(options.root ? { root: options.root } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

/** The registry's entry point: build, then describe the build for the terminal. */
export async function buildForCli(options: DataBuildOptions): Promise<BuiltinDatasetBuild> {
  const result = await buildFortunes(options);
  return { golden: result.golden, train: result.train, summary: formatFortunesResult(result) };
}

/** The counts table of a fortunes build: per source file, then per split and policy. */
export function formatFortunesResult(r: BuildResult): string {
  const m = r.manifest;
  const out: string[] = [];
  const packages = Object.entries(m.input.packages)
    .map(([p, v]) => `${p} ${v}`)
    .join(', ');
  out.push(
    `${r.skipped ? 'Up to date' : 'Built'}: ${r.outDir}  (builder ${m.builderVersion}; ${packages}; build ${(m.buildMs / 1000).toFixed(1)} s)`,
  );
  out.push('');
  out.push(
    renderTable(
      ['lang', 'section', 'theme', 'policy', 'entries', 'kept'],
      m.sources
        .filter((s) => s.parsedEntries > 0)
        .map((s) => [s.lang, s.section, s.theme, s.policy ?? '', s.parsedEntries, s.kept]),
      { title: 'Source files' },
    ),
  );
  out.push('');
  const policies = Object.keys(m.counts.policyBySplit.golden ?? {});
  out.push(
    renderTable(
      ['policy', 'train', 'golden'],
      policies.map((p) => [
        p,
        m.counts.policyBySplit.train?.[p] ?? 0,
        m.counts.policyBySplit.golden?.[p] ?? 0,
      ]),
      {
        title: `Items per policy (closed upward; ${m.counts.multiPolicyItems} items filed under two themes)`,
      },
    ),
  );
  out.push('');
  out.push(
    renderTable(
      ['reason', 'entries'],
      Object.entries(m.counts.rejectedByReason).map(([k, n]) => [k, n]),
      { title: `Rejected (${m.counts.rejected}, listed in ${r.rejected})` },
    ),
  );
  out.push('');
  out.push(`${m.counts.entries} entries = ${m.counts.kept} kept + ${m.counts.rejected} rejected`);
  out.push(`train:  ${r.train}`);
  out.push(`golden: ${r.golden}`);
  return terminalText(`${out.join('\n')}\n`);
}
