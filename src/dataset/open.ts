import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type ArrowSource, openArrow } from './arrow-reader.js';
import {
  type DatasetSpec,
  type DatasetSpecInput,
  loadDatasetSpec,
  parseDatasetSpec,
  type ResolvedSpec,
  resolveSpec,
} from './spec.js';
import { DatasetScan, type ScanOptions } from './validate.js';

/** An Arrow dataset bound to its spec, ready to be scanned. */
export interface Dataset {
  readonly source: ArrowSource;
  readonly spec: ResolvedSpec;
  /** Where the spec came from: a file, or `defaults`. */
  readonly specOrigin: string;
  scan(options?: ScanOptions): DatasetScan;
}

export interface OpenDatasetOptions {
  /** A spec object, or the path of a spec JSON file. Default: discovered beside the data, else defaults. */
  spec?: DatasetSpecInput | DatasetSpec | string;
  /** Replace the spec's content columns (a model run validates the columns its model reads). */
  textColumns?: readonly string[];
}

/**
 * A spec is found beside the data as `<name>.spec.json` or `spec.json`, so that a dataset folder
 * carries its own contract and commands need no extra flag.
 */
export function discoverSpecFile(datasetPath: string): string | undefined {
  return specCandidates(datasetPath).find((candidate) => existsSync(candidate));
}

/** The spec files looked for beside a dataset, in order (for messages that say where they looked). */
export function specCandidates(datasetPath: string): string[] {
  const dir = dirname(datasetPath);
  const stem = basename(datasetPath, extname(datasetPath));
  return [join(dir, `${stem}.spec.json`), join(dir, 'spec.json')];
}

export async function openDataset(path: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const source = await openArrow(path);
  const { spec, specOrigin } = await datasetSpecOf(path, options);
  return bindDataset(source, spec, specOrigin, options.textColumns);
}

/** The spec a dataset is opened with (given, found beside it, or defaults) and where it came from. */
export async function datasetSpecOf(
  path: string,
  options: Pick<OpenDatasetOptions, 'spec'> = {},
): Promise<{ spec: DatasetSpec; specOrigin: string }> {
  if (typeof options.spec === 'object') return { spec: parseDatasetSpec(options.spec), specOrigin: 'given' };
  const file = options.spec ?? discoverSpecFile(path);
  return { spec: file ? await loadDatasetSpec(file) : parseDatasetSpec({}), specOrigin: file ?? 'defaults' };
}

/** An opened source bound to a spec (checked against the source's schema). */
export function bindDataset(
  source: ArrowSource,
  given: DatasetSpec,
  specOrigin: string,
  textColumns?: readonly string[],
): Dataset {
  // The model's string inputs are the content columns; a model reading only images or features
  // needs no text column.
  const spec = textColumns === undefined ? given : { ...given, text: [...textColumns] };
  const resolved = resolveSpec(spec, source.schema, source.path);
  return {
    source,
    spec: resolved,
    specOrigin,
    scan: (scanOptions) => new DatasetScan(source, resolved, scanOptions),
  };
}
