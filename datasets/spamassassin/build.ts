import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { sha256Hex } from '../../src/util/hash.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeRecorded } from '../recorded-write.js';
import { type DatasetRow, datasetSchema, encodeArrowFile } from './arrow-table.js';
import {
  type InputFingerprint,
  type Manifest,
  ManifestSchema,
  type OutputFile,
  REJECT_REASONS,
  type Rejection,
} from './manifest.js';
import { parseMessage } from './parse-message.js';
import { CORPUS_GROUPS, CORPUS_PACKAGE, type CorpusSource, labelOfGroup, openCorpus } from './source.js';
import { GOLDEN_PERCENT, type Split, splitOf } from './split.js';
import { MAX_TEXT_CHARS } from './text.js';

/** Bump whenever a change here would change any output byte; a mismatch forces a rebuild. */
export const BUILDER_VERSION = '1.1.0';

export const OUTPUT_FILES = {
  train: 'train.arrow',
  golden: 'golden.arrow',
  rejected: 'rejected.jsonl',
  spec: 'spec.json',
  manifest: 'manifest.json',
} as const;

export interface BuildOptions {
  outDir: string;
  /** Rebuild even when the manifest says the outputs are current. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  /** True when the existing outputs were current and nothing was written. */
  skipped: boolean;
  outDir: string;
  train: string;
  golden: string;
  rejected: string;
  /** Copy of datasets/spamassassin/spec.json, so tools opening the data discover it. */
  spec: string;
  manifestPath: string;
  manifest: Manifest;
}

const PARSERS = ['postal-mime', 'html-to-text'] as const;

/** The dataset spec kept in git beside the builder; a copy goes next to the data for discovery. */
export function specSourcePath(): string {
  return join(packageRoot(), 'datasets', 'spamassassin', 'spec.json');
}

async function packageVersion(name: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The parser versions are part of the input: a new postal-mime can decode differently. */
async function inputFingerprint(
  corpus: CorpusSource,
  spec: Uint8Array,
): Promise<InputFingerprint & { fingerprint: string }> {
  const parsers: Record<string, string> = {};
  for (const p of PARSERS) parsers[p] = await packageVersion(p);
  const fp: InputFingerprint = {
    package: CORPUS_PACKAGE,
    version: corpus.version,
    fileListSha256: corpus.fileListSha256,
    specSha256: sha256Hex(spec),
    parsers,
  };
  const key = [fp.package, fp.version, fp.fileListSha256, fp.specSha256, parsers];
  return { ...fp, fingerprint: sha256Hex(JSON.stringify(key)) };
}

function pathsIn(outDir: string) {
  return {
    train: join(outDir, OUTPUT_FILES.train),
    golden: join(outDir, OUTPUT_FILES.golden),
    rejected: join(outDir, OUTPUT_FILES.rejected),
    spec: join(outDir, OUTPUT_FILES.spec),
    manifestPath: join(outDir, OUTPUT_FILES.manifest),
  };
}

/** The manifest when it matches this builder and input and every output's hash still matches. */
export async function currentManifest(outDir: string, fingerprint: string): Promise<Manifest | undefined> {
  const paths = pathsIn(outDir);
  if (!existsSync(paths.manifestPath)) return undefined;
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await readFile(paths.manifestPath, 'utf8')));
  } catch {
    return undefined; // unreadable or older format: rebuild rather than fail
  }
  if (manifest.builderVersion !== BUILDER_VERSION || manifest.input.fingerprint !== fingerprint)
    return undefined;
  for (const name of [OUTPUT_FILES.train, OUTPUT_FILES.golden, OUTPUT_FILES.rejected, OUTPUT_FILES.spec]) {
    const expected = manifest.outputs[name];
    const file = join(outDir, name);
    if (expected === undefined || !existsSync(file)) return undefined;
    if (sha256Hex(await readFile(file)) !== expected.sha256) return undefined;
  }
  return manifest;
}

function bump(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}

function zeroes(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, 0]));
}

/**
 * Build the SpamAssassin golden set: read each listed raw message from the package (one at a
 * time), parse it, derive the text and slice columns, split by id hash, and write train/golden
 * Arrow IPC files, the rejected list and a manifest, each atomically. Every listed file ends up
 * either in exactly one split or in rejected.jsonl.
 */
export async function buildSpamAssassinDataset(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const paths = pathsIn(options.outDir);
  const corpus = await openCorpus();
  const spec = await readFile(specSourcePath());
  const input = await inputFingerprint(corpus, spec);

  if (!options.force) {
    const manifest = await currentManifest(options.outDir, input.fingerprint);
    if (manifest !== undefined) {
      log(
        `spamassassin: outputs are current (builder ${BUILDER_VERSION}, input ${input.fingerprint.slice(0, 12)})`,
      );
      return { skipped: true, outDir: options.outDir, ...paths, manifest };
    }
  }

  const { rows, rejected, contentHash, md5Mismatches, filesByGroup } = await readCorpus(corpus, log);
  const outputs = await writeSplits(paths, rows, rejected, spec, corpus.version);

  const kept = rows.train.length + rows.golden.length;
  const manifest: Manifest = ManifestSchema.parse({
    dataset: 'spamassassin',
    builderVersion: BUILDER_VERSION,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
    input: { ...input, contentSha256: contentHash, md5Mismatches },
    settings: {
      maxTextChars: MAX_TEXT_CHARS,
      goldenPercent: GOLDEN_PERCENT,
      splitRule: `golden iff uint32be(sha256(id)[0..4]) mod 100 < ${GOLDEN_PERCENT}`,
    },
    counts: {
      totalFiles: corpus.entries.length,
      kept,
      rejected: rejected.length,
      filesByGroup,
      ...keptCounts(rows, rejected),
    },
    outputs,
  });
  if (kept + rejected.length !== corpus.entries.length) {
    throw new Error(
      `spamassassin: ${kept} kept + ${rejected.length} rejected != ${corpus.entries.length} listed`,
    );
  }
  // The manifest goes last: its presence with matching hashes is what marks a build complete.
  await writeFileAtomic(paths.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`spamassassin: built ${kept} rows (${rejected.length} rejected) in ${manifest.buildMs} ms`);
  return { skipped: false, outDir: options.outDir, ...paths, manifest };
}

interface CorpusRead {
  rows: Record<Split, DatasetRow[]>;
  rejected: Rejection[];
  /** sha256 over every readable message's bytes, in list order. */
  contentHash: string;
  md5Mismatches: string[];
  filesByGroup: Record<string, number>;
}

/** Reads, parses and splits every listed message, rejecting with a reason what cannot be kept. */
async function readCorpus(corpus: CorpusSource, log: (line: string) => void): Promise<CorpusRead> {
  const rows: Record<Split, DatasetRow[]> = { train: [], golden: [] };
  const rejected: Rejection[] = [];
  const seenText = new Map<string, string>(); // sha256(text) → first id
  const contentHash = createHash('sha256');
  const md5Mismatches: string[] = [];
  const filesByGroup: Record<string, number> = zeroes(CORPUS_GROUPS);
  const seenIds = new Set<string>();

  for (const entry of corpus.entries) {
    if (entry.index > 0 && entry.index % 1000 === 0)
      log(`spamassassin: ${entry.index}/${corpus.entries.length}`);
    if (entry.group === undefined || entry.path === undefined || seenIds.has(entry.id)) {
      rejected.push({ id: entry.id, reason: 'bad_file_name', detail: `list entry ${entry.index}` });
      continue;
    }
    seenIds.add(entry.id);
    bump(filesByGroup, entry.group);
    let raw: Buffer;
    try {
      raw = await readFile(entry.path);
    } catch (err) {
      rejected.push({
        id: entry.id,
        reason: 'unreadable',
        detail: (err as NodeJS.ErrnoException).code ?? 'error',
      });
      continue;
    }
    contentHash.update(raw);
    const md5 = createHash('md5').update(raw).digest('hex');
    if (!entry.id.endsWith(`.${md5}`)) md5Mismatches.push(entry.id);

    let parsed: Awaited<ReturnType<typeof parseMessage>>;
    try {
      parsed = await parseMessage(raw);
    } catch (err) {
      rejected.push({
        id: entry.id,
        reason: 'parse_error',
        detail: String((err as Error).message).slice(0, 200),
      });
      continue;
    }
    if (parsed.text.length === 0) {
      rejected.push({ id: entry.id, reason: 'empty_text' });
      continue;
    }
    // Exact duplicates would leak between train and golden and double-count in metrics.
    const textHash = sha256Hex(parsed.text);
    const first = seenText.get(textHash);
    if (first !== undefined) {
      rejected.push({ id: entry.id, reason: 'duplicate_text', detail: `same text as ${first}` });
      continue;
    }
    seenText.set(textHash, entry.id);

    rows[splitOf(entry.id)].push({
      id: entry.id,
      text: parsed.text,
      label: labelOfGroup(entry.group),
      corpus_group: entry.group,
      has_html: parsed.hasHtml,
      has_attachment: parsed.hasAttachment,
      body_length: parsed.bodyLength,
      sender_tld: parsed.senderTld,
      year: parsed.year,
      charset: parsed.charset,
      multipart: parsed.multipart,
    });
  }
  return { rows, rejected, contentHash: contentHash.digest('hex'), md5Mismatches, filesByGroup };
}

/** The manifest's kept/rejected tallies by label, group, split and reason. */
function keptCounts(rows: Record<Split, DatasetRow[]>, rejected: readonly Rejection[]) {
  const keptByLabel = zeroes(['ham', 'spam']);
  const keptByGroup = zeroes(CORPUS_GROUPS);
  const keptBySplit = zeroes(['train', 'golden']);
  const keptBySplitLabel: Record<string, Record<string, number>> = {
    train: zeroes(['ham', 'spam']),
    golden: zeroes(['ham', 'spam']),
  };
  for (const split of ['train', 'golden'] as const) {
    for (const r of rows[split]) {
      bump(keptByLabel, r.label);
      bump(keptByGroup, r.corpus_group);
      bump(keptBySplit, split);
      bump(keptBySplitLabel[split] as Record<string, number>, r.label);
    }
  }
  const rejectedByReason = zeroes(REJECT_REASONS);
  for (const r of rejected) bump(rejectedByReason, r.reason);
  return { keptByLabel, keptByGroup, keptBySplit, keptBySplitLabel, rejectedByReason };
}

/** Writes the two splits, the rejected list and the spec copy; returns each one's hash and size. */
async function writeSplits(
  paths: ReturnType<typeof pathsIn>,
  rows: Record<Split, DatasetRow[]>,
  rejected: readonly Rejection[],
  spec: Buffer,
  corpusVersion: string,
): Promise<Record<string, OutputFile>> {
  const outputs: Record<string, OutputFile> = {};
  const metadata = (split: Split): Record<string, string> => ({
    'modeval.dataset': 'spamassassin',
    'modeval.split': split,
    'modeval.builder_version': BUILDER_VERSION,
    'modeval.source': `${CORPUS_PACKAGE}@${corpusVersion}`,
    'modeval.label_provenance': 'SpamAssassin public corpus curators (folder of each message)',
  });
  for (const split of ['train', 'golden'] as const) {
    const bytes = encodeArrowFile(datasetSchema(metadata(split)), rows[split]);
    outputs[OUTPUT_FILES[split]] = await writeRecorded(paths[split], bytes, rows[split].length);
  }
  const jsonl = rejected.map((r) => `${JSON.stringify(r)}\n`).join('');
  outputs[OUTPUT_FILES.rejected] = await writeRecorded(paths.rejected, jsonl, rejected.length);
  outputs[OUTPUT_FILES.spec] = await writeRecorded(paths.spec, spec, 0);
  return outputs;
}
