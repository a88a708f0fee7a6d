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
  let spec: DatasetSpec;
  let specOrigin: string;
  if (typeof options.spec === 'object') {
    spec = parseDatasetSpec(options.spec);
    specOrigin = 'given';
  } else {
    const file = options.spec ?? discoverSpecFile(path);
    spec = file ? await loadDatasetSpec(file) : parseDatasetSpec({});
    specOrigin = file ?? 'defaults';
  }
  // The model's string inputs are the content columns; a model reading only images or features
  // needs no text column.
  if (options.textColumns !== undefined) spec = { ...spec, text: [...options.textColumns] };
  const resolved = resolveSpec(spec, source.schema, path);
  return {
    source,
    spec: resolved,
    specOrigin,
    scan: (scanOptions) => new DatasetScan(source, resolved, scanOptions),
  };
}
