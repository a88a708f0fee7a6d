import { z } from 'zod';

/**
 * The contract between the CLI and the datasets modeval can build itself (`modeval data build`,
 * `modeval demo`). The builders live in datasets/ and need packages the library never runs (a mail
 * corpus, MIME and HTML parsers), so src/ only states their shape: bin/modeval.js hands the
 * registry of datasets/index.ts to the CLI, and each builder is loaded on first use.
 */
export const DataBuildOptionsSchema = z.object({
  /** Rebuild even when the existing outputs are current. */
  force: z.boolean().default(false),
  /** Output folder; each dataset has its own default (datasets/<name>/build). */
  outDir: z.string().min(1).optional(),
});
export type DataBuildOptions = z.input<typeof DataBuildOptionsSchema> & {
  log?: (line: string) => void;
};

export interface BuiltinDatasetBuild {
  /** The golden (evaluation) split: what the demo scores. */
  golden: string;
  /** The training split, for datasets that have one (the image golden set has none). */
  train?: string;
  /** What the build did (counts per group, split and rejection reason), as terminal text. */
  summary: string;
}

export interface BuiltinDataset {
  describe: string;
  build(options: DataBuildOptions): Promise<BuiltinDatasetBuild>;
}

/** Name -> builder, in the order `modeval data build --help` lists them. */
export type BuiltinDatasets = ReadonlyMap<string, BuiltinDataset>;
