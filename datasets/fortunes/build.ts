import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Taxonomy, TaxonomySchema } from '../../src/dataset/taxonomy.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { sha256Hex } from '../../src/util/hash.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeRecorded } from '../recorded-write.js';
import { encodeFortunes, type FortuneRow, fortunesSchema, lengthBucket } from './arrow-table.js';
import {
  type Manifest,
  ManifestSchema,
  REJECT_REASONS,
  type Rejection,
  type SourceFile,
} from './manifest.js';
import { cleanEntry, decodeFile, dedupeKey, rot13, splitEntries } from './parse.js';
import { FORTUNES_ROOT, type Lang, openFortunes } from './source.js';
import { policyOfTheme } from './taxonomy.js';

/** Bump whenever a change here would change any output byte; a mismatch forces a rebuild. */
export const BUILDER_VERSION = '1.0.0';

/** Share of items (percent) in the golden split. */
export const GOLDEN_PERCENT = 20;

export const OUTPUT_FILES = {
  train: 'train.arrow',
  golden: 'golden.arrow',
  rejected: 'rejected.jsonl',
  spec: 'spec.json',
  manifest: 'manifest.json',
} as const;

export type Split = 'train' | 'golden';

export interface BuildOptions {
  outDir: string;
  force?: boolean;
  /** Folder holding the installed fortune files (tests point it at a small copy). */
  root?: string;
  log?: (line: string) => void;
}

export interface BuildResult {
  skipped: boolean;
  outDir: string;
  train: string;
  golden: string;
  rejected: string;
  spec: string;
  manifestPath: string;
  manifest: Manifest;
}

export function specSourcePath(): string {
  return join(packageRoot(), 'datasets', 'fortunes', 'spec.json');
}

/** golden iff uint32be(sha256(id)[0..4]) mod 100 < GOLDEN_PERCENT: depends on the id (the text) alone. */
export function splitOf(id: string): Split {
  const bucket = createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % 100;
  return bucket < GOLDEN_PERCENT ? 'golden' : 'train';
}

/** The id is the language and a hash of the dedupe key, so it survives package re-orderings. */
export function itemId(lang: Lang, key: string): string {
  return `${lang}-${sha256Hex(key).slice(0, 16)}`;
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

async function currentManifest(outDir: string, fingerprint: string): Promise<Manifest | undefined> {
  const paths = pathsIn(outDir);
  if (!existsSync(paths.manifestPath)) return undefined;
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await readFile(paths.manifestPath, 'utf8')));
  } catch {
    return undefined;
  }
  if (manifest.builderVersion !== BUILDER_VERSION || manifest.input.fingerprint !== fingerprint)
    return undefined;
  for (const name of [OUTPUT_FILES.train, OUTPUT_FILES.golden, OUTPUT_FILES.rejected, OUTPUT_FILES.spec]) {
    const file = join(outDir, name);
    const expected = manifest.outputs[name];
    if (expected === undefined || !existsSync(file)) return undefined;
    if (sha256Hex(await readFile(file)) !== expected.sha256) return undefined;
  }
  return manifest;
}

interface Item {
  id: string;
  key: string;
  text: string;
  lang: Lang;
  section: 'regular' | 'offensive';
  source: string;
  leaves: Set<string>;
}

function bump(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

/**
 * Build the multilingual offensive-language golden set from Debian's fortunes packages: parse every
 * theme file (decoding ROT13 where strfile's index says so), clean and dedupe the entries, map each
 * offensive theme to its policy, close labels upward through the taxonomy, split by id hash, and
 * write train/golden Arrow files, the rejected list, the spec and a manifest, each atomically.
 */
export async function buildFortunesDataset(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const paths = pathsIn(options.outDir);
  const source = await openFortunes(options.root ?? FORTUNES_ROOT);
  const specBytes = await readFile(specSourcePath());
  const specJson = JSON.parse(specBytes.toString('utf8')) as { taxonomy: unknown };
  const taxonomy = new Taxonomy(TaxonomySchema.parse(specJson.taxonomy));
  const specSha256 = sha256Hex(specBytes);
  const fingerprint = sha256Hex(JSON.stringify([source.versions, source.contentSha256, specSha256]));

  if (!options.force) {
    const manifest = await currentManifest(options.outDir, fingerprint);
    if (manifest !== undefined) {
      log(`fortunes: outputs are current (builder ${BUILDER_VERSION}, input ${fingerprint.slice(0, 12)})`);
      return { skipped: true, outDir: options.outDir, ...paths, manifest };
    }
  }

  const items = new Map<string, Item>(); // dedupe key → item
  const rejected: Rejection[] = [];
  const sources: SourceFile[] = [];
  let entries = 0;
  let multiPolicyItems = 0;
  const keptBySource = new Map<string, number>();

  for (const file of source.files) {
    const sourceName = `${file.lang}/${file.section === 'offensive' ? 'off/' : ''}${file.theme}`;
    const policy = file.section === 'offensive' ? policyOfTheme(file.lang, file.theme) : undefined;
    const { text, encoding } = decodeFile(file.bytes);
    const raw = splitEntries(file.index.rotated ? rot13(text) : text, file.index.delimiter);
    entries += raw.length;
    sources.push({
      package: file.package,
      lang: file.lang,
      section: file.section,
      theme: file.theme,
      ...(policy ? { policy } : {}),
      encoding,
      rotated: file.index.rotated,
      indexEntries: file.index.entries,
      parsedEntries: raw.length,
      kept: 0,
    });
    raw.forEach((entry, i) => {
      const where = `${sourceName}#${i + 1}`;
      if (file.section === 'offensive' && policy === undefined) {
        rejected.push({
          source: where,
          reason: 'unknown_theme',
          detail: `no policy for theme ${file.theme}`,
        });
        return;
      }
      const cleaned = cleanEntry(entry);
      if (cleaned === '') {
        rejected.push({ source: where, reason: 'empty_text' });
        return;
      }
      const key = dedupeKey(cleaned);
      const seen = items.get(key);
      if (seen === undefined) {
        items.set(key, {
          id: itemId(file.lang, key),
          key,
          text: cleaned,
          lang: file.lang,
          section: file.section,
          source: sourceName,
          leaves: new Set(policy ? [policy] : []),
        });
        keptBySource.set(sourceName, (keptBySource.get(sourceName) ?? 0) + 1);
        return;
      }
      if (seen.section !== file.section) {
        // The curators filed the same text as both offensive and regular: its label is unknown.
        rejected.push({
          source: where,
          reason: 'conflicting_sections',
          detail: `same text as ${seen.source}`,
        });
        seen.section = 'offensive';
        seen.leaves.add('__conflict__');
        return;
      }
      if (policy !== undefined && !seen.leaves.has(policy)) {
        if (seen.leaves.size === 1) multiPolicyItems++;
        seen.leaves.add(policy);
        rejected.push({
          source: where,
          reason: 'duplicate_text',
          detail: `merged into ${seen.source} (${policy} added)`,
        });
        return;
      }
      rejected.push({ source: where, reason: 'duplicate_text', detail: `same text as ${seen.source}` });
    });
  }

  const rows: Record<Split, FortuneRow[]> = { train: [], golden: [] };
  const policyBySplit: Record<string, Record<string, number>> = { train: {}, golden: {} };
  const langBySplit: Record<string, Record<string, number>> = { train: {}, golden: {} };
  for (const split of ['train', 'golden'] as const) {
    for (const l of [...taxonomy.labels, 'none']) policyBySplit[split]![l] = 0;
  }
  for (const item of items.values()) {
    if (item.leaves.has('__conflict__')) {
      // The first copy goes too: keeping either side's label would be a guess.
      rejected.push({
        source: item.source,
        reason: 'conflicting_sections',
        detail: 'also filed in the other section',
      });
      keptBySource.set(item.source, (keptBySource.get(item.source) ?? 0) - 1);
      continue;
    }
    const split = splitOf(item.id);
    const labels = taxonomy.close(item.leaves);
    rows[split].push({
      id: item.id,
      text: item.text,
      labels,
      lang: item.lang,
      section: item.section,
      source: item.source,
      length: lengthBucket(item.text),
    });
    for (const l of labels) bump(policyBySplit[split]!, l);
    if (labels.length === 0) bump(policyBySplit[split]!, 'none');
    bump(langBySplit[split]!, item.lang);
  }
  for (const s of sources) {
    s.kept = keptBySource.get(`${s.lang}/${s.section === 'offensive' ? 'off/' : ''}${s.theme}`) ?? 0;
  }
  for (const split of ['train', 'golden'] as const)
    rows[split].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const outputs: Manifest['outputs'] = {};
  for (const split of ['train', 'golden'] as const) {
    const schema = fortunesSchema({
      'modeval.dataset': 'fortunes',
      'modeval.split': split,
      'modeval.builder_version': BUILDER_VERSION,
      'modeval.source': Object.entries(source.versions)
        .map(([p, v]) => `${p}@${v}`)
        .join(' '),
      'modeval.label_provenance':
        'Debian fortunes-es/-it package curators (offensive vs regular package, theme file name)',
    });
    const bytes = encodeFortunes(schema, rows[split]);
    outputs[OUTPUT_FILES[split]] = await writeRecorded(paths[split], bytes, rows[split].length);
  }
  const jsonl = rejected.map((r) => `${JSON.stringify(r)}\n`).join('');
  outputs[OUTPUT_FILES.rejected] = await writeRecorded(paths.rejected, jsonl, rejected.length);
  outputs[OUTPUT_FILES.spec] = await writeRecorded(paths.spec, specBytes, 0);

  const kept = rows.train.length + rows.golden.length;
  const rejectedByReason: Record<string, number> = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0]));
  for (const r of rejected) bump(rejectedByReason, r.reason);
  const manifest = ManifestSchema.parse({
    dataset: 'fortunes',
    builderVersion: BUILDER_VERSION,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
    input: { packages: source.versions, contentSha256: source.contentSha256, specSha256, fingerprint },
    settings: {
      goldenPercent: GOLDEN_PERCENT,
      splitRule: `golden iff uint32be(sha256(id)[0..4]) mod 100 < ${GOLDEN_PERCENT}`,
      dedupeRule: 'NFKC, lowercase, whitespace collapsed; first file in package order keeps the row',
    },
    sources,
    counts: {
      entries,
      kept,
      rejected: rejected.length,
      rejectedByReason,
      multiPolicyItems,
      keptBySplit: { train: rows.train.length, golden: rows.golden.length },
      policyBySplit,
      langBySplit,
    },
    outputs,
  });
  // Every parsed entry is either a row or a rejection (a conflict rejects both copies, counted once each).
  if (kept + rejected.length !== entries) {
    throw new Error(`fortunes: ${kept} kept + ${rejected.length} rejected != ${entries} entries`);
  }
  await writeFileAtomic(paths.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`fortunes: built ${kept} rows (${rejected.length} rejected) in ${manifest.buildMs} ms`);
  return { skipped: false, outDir: options.outDir, ...paths, manifest };
}
