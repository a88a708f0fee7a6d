import { basename, join } from 'node:path';
import type { PredictionsMeta } from '../contracts/predictions.js';
import { cardThresholds, MODEL_CARD_FILE, type ModelCard } from '../model/card.js';
import { policyMapping, scoredPolicies } from '../model/policy-map.js';
import { sha256File, sha256Hex } from '../util/hash.js';
import { harnessVersion } from '../util/version.js';
import type { Checkpoint } from './checkpoint.js';

/** The run options that decide the output (the rest, like workers, only decide how fast). */
export interface RunIdentityOptions {
  model: string;
  dataset: string;
  batchSize: number;
  onInvalid: 'error' | 'skip';
  thresholds: Record<string, number>;
  shard?: { index: number; count: number } | undefined;
}

export interface LoadedModel {
  card: ModelCard;
  modelSha256: string;
  provider: string;
  /** The scoring runtime and its version(s), e.g. `{ 'onnxruntime-node': '1.30.0' }`. */
  runtime: Readonly<Record<string, string>>;
  /** Where the dataset spec came from (`defaults`, or the spec file's path). */
  specOrigin: string;
}

export interface RunIdentity {
  /** sha256 of the dataset file's bytes. */
  fingerprint: string;
  /** What the predictions file carries as provenance. */
  meta: PredictionsMeta;
  /** What a `--resume` must match exactly. */
  key: Checkpoint['key'];
}

/** Sensitive output labels as the policies they are written as (a policy with a sensitive class). */
function sensitivePolicies(card: ModelCard, sensitive: readonly string[]): string[] {
  const m = policyMapping(card);
  if (!m) return [...sensitive];
  return m.policies.filter((_, q) => m.sources[q]!.some((j) => sensitive.includes(card.labels[j]!)));
}

/** Who made these predictions from what: the predictions' provenance and the checkpoint's key. */
export async function runIdentity(o: RunIdentityOptions, m: LoadedModel): Promise<RunIdentity> {
  const fingerprint = await sha256File(o.dataset);
  const keyOptions = {
    batchSize: o.batchSize,
    onInvalid: o.onInvalid,
    thresholds: JSON.stringify(o.thresholds),
    spec: m.specOrigin === 'defaults' ? null : basename(m.specOrigin),
  };
  const { card } = m;
  const meta: PredictionsMeta = {
    schemaVersion: 1,
    source: 'model',
    model: {
      name: card.name,
      version: card.version,
      sha256: m.modelSha256,
      task: card.task,
      labels: [...scoredPolicies(card)],
      positive: card.positive ?? null,
      thresholds: cardThresholds(card, o.thresholds),
      cardSha256: await sha256File(join(o.model, MODEL_CARD_FILE)),
      ...(card.sensitive ? { sensitive: sensitivePolicies(card, card.sensitive) } : {}),
    },
    dataset: { file: basename(o.dataset), fingerprint, rows: null },
    harness: { name: 'modeval', version: harnessVersion() },
    runtime: { node: process.versions.node, ...m.runtime, provider: m.provider },
    options: keyOptions,
  };
  const key: Checkpoint['key'] = {
    modelSha256: m.modelSha256,
    modelFilesSha256: await modelFilesSha256(o.model, card),
    datasetFingerprint: fingerprint,
    // A shard's checkpoint resumes only that shard; its predictions carry no mark of it, so that
    // merged shards are byte for byte what a single run writes.
    options: o.shard ? { ...keyOptions, shard: `${o.shard.index}/${o.shard.count}` } : keyOptions,
  };
  return { fingerprint, meta, key };
}

/**
 * The .onnx hash alone misses a card or tokenizer edited between an interrupt and `--resume`,
 * which would splice rows decided two ways (or with two label sets) into one predictions file.
 */
async function modelFilesSha256(modelDir: string, card: ModelCard): Promise<string> {
  const files = card.inputs.flatMap((input) =>
    input.kind === 'text' ? [input.tokenizer, ...(input.tokenizerConfig ? [input.tokenizerConfig] : [])] : [],
  );
  const hashes = await Promise.all(files.map((f) => sha256File(join(modelDir, f))));
  return sha256Hex(JSON.stringify([card, hashes]));
}
