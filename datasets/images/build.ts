import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Binary,
  Field,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { z } from 'zod';
import {
  type BuiltinDatasetBuild,
  type DataBuildOptions,
  DataBuildOptionsSchema,
} from '../../src/dataset/builtin.js';
import { renderTable, terminalText } from '../../src/render/terminal.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { BadInputError } from '../../src/util/errors.js';
import { readJsonFile } from '../../src/util/files.js';
import { sha256Hex } from '../../src/util/hash.js';
import { packageRoot } from '../../src/util/paths.js';
import { checkOption } from '../../src/util/zod.js';
import { isSourcePackage, SOURCES, type SourcePackage } from './sources.js';

/**
 * `modeval data build images`: the safe-for-work image golden set (datasets/images/README.md).
 * The committed label file says which images and their labels; the images come from the Debian
 * packages installed on this machine, downscaled so the file stays small.
 */

export const BUILDER_VERSION = '1';
export const IMAGE_LABELS = ['Drawing', 'Neutral'] as const;
/** Longest side kept; larger than every model input (299) so the models still resize themselves. */
const MAX_SIDE = 512;

export const IMAGES_FILES = { golden: 'golden.arrow', spec: 'golden.spec.json', manifest: 'manifest.json' };

export function imagesSourceDir(): string {
  return join(packageRoot(), 'datasets', 'images');
}

export function imagesBuildDir(): string {
  return join(imagesSourceDir(), 'build');
}

const LabelRow = z.object({
  id: z.string().regex(/^[a-z-]+\/[^\0]+$/, 'must be <package>/<path>'),
  label: z.enum([...IMAGE_LABELS, 'excluded']),
  rule: z.enum(['clip art', 'photograph', 'by hand']),
  note: z.string(),
});
type LabelRow = z.infer<typeof LabelRow>;

export const ImagesManifest = z.object({
  builderVersion: z.string(),
  fingerprint: z.string(),
  packages: z.record(z.string(), z.string()),
  rows: z.number().int(),
  excluded: z.number().int(),
  byLabel: z.record(z.string(), z.number().int()),
  byRule: z.record(z.string(), z.number().int()),
  bySource: z.record(z.string(), z.number().int()),
  bytes: z.number().int(),
});
export type ImagesManifest = z.infer<typeof ImagesManifest>;

export interface ImagesBuildResult {
  skipped: boolean;
  outDir: string;
  golden: string;
  manifest: ImagesManifest;
}

async function readLabels(file: string): Promise<LabelRow[]> {
  let records: unknown[];
  try {
    records = parse(await readFile(file), { columns: true, skip_empty_lines: true }) as unknown[];
  } catch (err) {
    throw new BadInputError(`the label file is not valid CSV: ${(err as Error).message}`, { file });
  }
  return records.map((r, i) => {
    const parsed = LabelRow.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BadInputError(issue.message, { file, line: i + 2, field: String(issue.path[0] ?? '') });
    }
    return parsed.data;
  });
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax
const DPKG_FORMAT = '${Status}\t${Version}';

/** Installed version of each Debian package, or a message saying how to install the missing ones. */
async function packageVersions(): Promise<Record<string, string>> {
  const names = Object.keys(SOURCES);
  const run = promisify(execFile);
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      const { stdout } = await run('dpkg-query', ['-W', '-f', DPKG_FORMAT, name]);
      const [status, version] = stdout.split('\t');
      if (status?.endsWith(' installed') && version) out[name] = version;
    } catch {
      // not installed (or no dpkg): reported below
    }
  }
  const missing = names.filter((n) => out[n] === undefined);
  if (missing.length > 0) {
    throw new BadInputError(
      `the image golden set is built from Debian packages; install them first: apt-get install ${missing.join(' ')}`,
    );
  }
  return out;
}

function sizeBucket(pixels: number): string {
  if (pixels < 250_000) return 'small (<0.25 MP)';
  if (pixels < 2_000_000) return 'medium (0.25-2 MP)';
  return 'large (>=2 MP)';
}

function aspectBucket(ratio: number): string {
  if (ratio < 0.9) return 'portrait';
  if (ratio <= 1.1) return 'square';
  if (ratio <= 1.9) return 'landscape';
  return 'wide';
}

/** Greyscale when no visible pixel of a 64×64 copy differs between channels by more than 8 levels. */
async function isGreyscale(image: Buffer): Promise<boolean> {
  const { data } = await sharp(image)
    .resize(64, 64, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let p = 0; p < data.length; p += 4) {
    if (data[p + 3]! < 16) continue;
    const [r, g, b] = [data[p]!, data[p + 1]!, data[p + 2]!];
    if (Math.abs(r - g) > 8 || Math.abs(g - b) > 8 || Math.abs(r - b) > 8) return false;
  }
  return true;
}

interface ImageRow {
  id: string;
  image: Uint8Array;
  label: string;
  label_rule: string;
  source: string;
  category: string;
  size: string;
  aspect: string;
  colour: string;
}

/** Read one source image and re-encode it at most MAX_SIDE on its longest side (SVG rasterised to PNG). */
async function buildRow(row: LabelRow, pkg: SourcePackage, rel: string): Promise<ImageRow> {
  const file = join(SOURCES[pkg], rel);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new BadInputError(
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code}); is ${pkg} installed?`,
      {
        field: row.id,
      },
    );
  }
  const meta = await sharp(bytes).metadata();
  const { width = 0, height = 0 } = meta;
  let img = sharp(bytes).resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true });
  img =
    meta.format === 'jpeg'
      ? img.jpeg({ quality: 90 })
      : meta.format === 'webp'
        ? img.webp({ quality: 90 })
        : img.png();
  const image = await img.toBuffer();
  const parts = rel.split('/');
  return {
    id: row.id,
    image,
    label: row.label,
    label_rule: row.rule,
    source: pkg,
    category: parts.length > 1 ? parts[0]! : pkg === 'gnome-backgrounds' ? 'gnome' : 'other',
    size: sizeBucket(width * height),
    aspect: aspectBucket(width / Math.max(1, height)),
    colour: (await isGreyscale(image)) ? 'greyscale' : 'colour',
  };
}

const UTF8_COLUMNS = ['id', 'label', 'label_rule', 'source', 'category', 'size', 'aspect', 'colour'] as const;

function encode(rows: readonly ImageRow[], metadata: Record<string, string>): Uint8Array {
  const fields = [
    new Field('id', new Utf8(), false),
    new Field('image', new Binary(), false),
    ...UTF8_COLUMNS.slice(1).map((c) => new Field(c, new Utf8(), false)),
  ];
  const schema = new Schema(fields, new Map(Object.entries(metadata)));
  const children = fields.map((f) => {
    const values = rows.map((r) => r[f.name as keyof ImageRow]);
    return vectorFromArray(values, f.type).data[0]!;
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  const writer = new RecordBatchFileWriter();
  writer.reset(undefined, schema);
  writer.write(new RecordBatch(schema, data));
  writer.finish();
  return writer.toUint8Array(true);
}

export interface BuildImagesOptions {
  outDir?: string;
  force?: boolean;
  log?: (line: string) => void;
}

/** Build (or confirm current) datasets/images/build/golden.arrow from the committed label file. */
export async function buildImagesDataset(options: BuildImagesOptions = {}): Promise<ImagesBuildResult> {
  const outDir = options.outDir ?? imagesBuildDir();
  const labelsFile = join(imagesSourceDir(), 'labels.csv');
  const specFile = join(imagesSourceDir(), 'spec.json');
  const labelsBytes = await readFile(labelsFile);
  const packages = await packageVersions();
  const specBytes = await readFile(specFile);
  const fingerprint = sha256Hex(
    JSON.stringify([BUILDER_VERSION, sha256Hex(labelsBytes), sha256Hex(specBytes), packages]),
  );
  const golden = join(outDir, IMAGES_FILES.golden);
  if (!options.force) {
    const existing = await readJsonFile(join(outDir, IMAGES_FILES.manifest), 'manifest').catch(
      () => undefined,
    );
    const parsed = ImagesManifest.safeParse(existing);
    if (parsed.success && parsed.data.fingerprint === fingerprint) {
      options.log?.(`images: outputs are current (input ${fingerprint.slice(0, 12)})`);
      return { skipped: true, outDir, golden, manifest: parsed.data };
    }
  }
  const labels = await readLabels(labelsFile);
  const seen = new Set<string>();
  const rows: ImageRow[] = [];
  let excluded = 0;
  for (const row of labels) {
    if (seen.has(row.id)) throw new BadInputError(`duplicate id ${row.id}`, { file: labelsFile });
    seen.add(row.id);
    if (row.label === 'excluded') {
      excluded++;
      continue;
    }
    const [pkg, ...rest] = row.id.split('/');
    const rel = rest.join('/');
    if (pkg === undefined || !isSourcePackage(pkg) || rel.split('/').includes('..')) {
      throw new BadInputError(`id ${JSON.stringify(row.id)} names no known package file`, {
        file: labelsFile,
      });
    }
    rows.push(await buildRow(row, pkg, rel));
  }
  const tally = (key: keyof ImageRow) => {
    const out: Record<string, number> = {};
    for (const r of rows) out[String(r[key])] = (out[String(r[key])] ?? 0) + 1;
    return out;
  };
  const bytes = encode(rows, { 'modeval.dataset': JSON.stringify({ name: 'images', fingerprint }) });
  const manifest: ImagesManifest = {
    builderVersion: BUILDER_VERSION,
    fingerprint,
    packages,
    rows: rows.length,
    excluded,
    byLabel: tally('label'),
    byRule: tally('label_rule'),
    bySource: tally('source'),
    bytes: bytes.byteLength,
  };
  await writeFileAtomic(golden, bytes);
  await writeFileAtomic(join(outDir, IMAGES_FILES.spec), specBytes);
  await writeFileAtomic(join(outDir, IMAGES_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  options.log?.(
    `images: wrote ${rows.length} images (${(bytes.byteLength / 1e6).toFixed(1)} MB) to ${golden}`,
  );
  return { skipped: false, outDir, golden, manifest };
}

/** `modeval data build images`: build, and the summary the CLI prints. */
export async function buildImagesForCli(options: DataBuildOptions): Promise<BuiltinDatasetBuild> {
  const { force, outDir } = checkOption(DataBuildOptionsSchema, options, 'data build options');
  const r = await buildImagesDataset({
    force,
    ...(outDir ? { outDir } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const m = r.manifest;
  const counts = Object.entries(m.byLabel).map(([label, n]) => [label, n]);
  const summary = terminalText(
    `${r.skipped ? 'Up to date' : 'Built'}: ${r.golden}  (${m.rows} images, ${m.excluded} excluded by the label file)\n\n` +
      `${renderTable(['label', 'images'], counts, { title: 'Golden labels' })}\n`,
  );
  return { golden: r.golden, summary };
}
