import { join } from 'node:path';
import {
  type BuiltinDatasetBuild,
  type DataBuildOptions,
  DataBuildOptionsSchema,
} from '../../src/dataset/builtin.js';
import { renderTable, terminalText } from '../../src/render/terminal.js';
import { packageRoot } from '../../src/util/paths.js';
import { checkOption } from '../../src/util/zod.js';
import { type BuildResult, buildSpamAssassinDataset, OUTPUT_FILES } from './build.js';

export type { BuildResult } from './build.js';
export type { Manifest as SpamAssassinManifest } from './manifest.js';
export { OUTPUT_FILES as SPAMASSASSIN_FILES };

/** Where the built SpamAssassin golden set lives unless a caller says otherwise (git-ignored). */
export function spamAssassinDir(): string {
  return join(packageRoot(), 'datasets', 'spamassassin', 'build');
}

/** The dataset spec (column roles, labels, slices) that sits beside the built data. */
export function spamAssassinSpecPath(): string {
  return join(packageRoot(), 'datasets', 'spamassassin', 'spec.json');
}

/** Build (or confirm current) the SpamAssassin train/golden Arrow files; see README.md here. */
export function buildSpamAssassin(options: DataBuildOptions = {}): Promise<BuildResult> {
  const { force, outDir } = checkOption(DataBuildOptionsSchema, options, 'data build options');
  return buildSpamAssassinDataset({
    outDir: outDir ?? spamAssassinDir(),
    force,
    ...(options.log ? { log: options.log } : {}),
  });
}

/** Paths of the train and golden files, building them first when missing or stale. */
export async function ensureSpamAssassin(): Promise<{ train: string; golden: string }> {
  const result = await buildSpamAssassin();
  return { train: result.train, golden: result.golden };
}

/** The registry's entry point: build, then describe the build for the terminal. */
export async function buildForCli(options: DataBuildOptions): Promise<BuiltinDatasetBuild> {
  const result = await buildSpamAssassin(options);
  return { golden: result.golden, train: result.train, summary: formatBuildResult(result) };
}

/** The counts table: files per corpus group, kept per split and label, rejected per reason. */
export function formatBuildResult(r: BuildResult): string {
  const c = r.manifest.counts;
  const out: string[] = [];
  out.push(
    `${r.skipped ? 'Up to date' : 'Built'}: ${r.outDir}  (builder ${r.manifest.builderVersion}, ` +
      `${r.manifest.input.package}@${r.manifest.input.version}, build ${(r.manifest.buildMs / 1000).toFixed(1)} s)`,
  );
  out.push('');
  const groups = Object.keys(c.filesByGroup);
  out.push(
    renderTable(
      ['group', 'files', 'kept', 'rejected'],
      groups.map((g) => {
        const files = c.filesByGroup[g] ?? 0;
        const kept = c.keptByGroup[g] ?? 0;
        return [g, files, kept, files - kept];
      }),
      { title: 'Corpus groups' },
    ),
  );
  out.push('');
  const splitRows = Object.entries(c.keptBySplitLabel).map(([split, byLabel]) => [
    split,
    byLabel.ham ?? 0,
    byLabel.spam ?? 0,
    c.keptBySplit[split] ?? 0,
  ]);
  splitRows.push(['total', c.keptByLabel.ham ?? 0, c.keptByLabel.spam ?? 0, c.kept]);
  out.push(renderTable(['split', 'ham', 'spam', 'rows'], splitRows, { title: 'Kept rows' }));
  out.push('');
  out.push(
    renderTable(
      ['reason', 'messages'],
      Object.entries(c.rejectedByReason).map(([k, n]) => [k, n]),
      { title: `Rejected (${c.rejected}, listed in ${r.rejected})` },
    ),
  );
  out.push('');
  out.push(`${c.totalFiles} listed files = ${c.kept} kept + ${c.rejected} rejected`);
  out.push(`train:  ${r.train}`);
  out.push(`golden: ${r.golden}`);
  return terminalText(`${out.join('\n')}\n`);
}
