import { readFile } from 'node:fs/promises';
import { tableFromIPC } from 'apache-arrow';
import type { Architecture } from './architectures.js';

type WithoutVocab<T> = T extends unknown ? Omit<T, 'vocabSize'> : never;

/**
 * The two reference multi-policy models for the fortunes set: one sigmoid output per taxonomy
 * policy. They differ on purpose, so that `compare` and `gate` have something to find: v1 keeps
 * accents and averages word embeddings with a plain loss; v2 folds accents into WordPiece pieces,
 * max-pools through a hidden layer and weighs positives up (meant to buy recall; on the golden
 * split it is the weaker model, see models/README.md).
 */
export interface PolicyVariant {
  name: 'policies-v1' | 'policies-v2';
  version: string;
  description: string;
  tokenizer:
    | { kind: 'word-level'; size: number; minCount: number }
    | { kind: 'word-piece'; size: number; words: number; minCount: number };
  arch: WithoutVocab<Architecture>;
  maxLength: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Loss weight of a positive label relative to a negative one (sigmoid cross-entropy). */
  positiveWeight: number;
  seed: number;
}

/** The policy order of the score columns: the fortunes taxonomy's labels (datasets/fortunes/spec.json). */
export const POLICIES = [
  'offensive',
  'offensive/sexism',
  'offensive/sexism/misogyny',
  'offensive/sexism/misandry',
  'offensive/sexual',
  'offensive/other',
] as const;

export const POLICY_VARIANTS: readonly PolicyVariant[] = [
  {
    name: 'policies-v1',
    version: '1.0.0',
    description:
      'Fortunes es/it multi-policy reference model: accent-keeping word-level embeddings, masked mean pooling, one sigmoid per policy.',
    tokenizer: { kind: 'word-level', size: 12000, minCount: 2 },
    arch: { kind: 'mean-pool', dim: 32, labels: POLICIES.length },
    maxLength: 96,
    epochs: 6,
    batchSize: 64,
    learningRate: 0.01,
    positiveWeight: 1,
    seed: 11,
  },
  {
    name: 'policies-v2',
    version: '2.0.0',
    description:
      'Fortunes es/it multi-policy reference model: accent-folding WordPiece, masked max pooling, ReLU hidden layer, positives weighted 3x, one sigmoid per policy.',
    tokenizer: { kind: 'word-piece', size: 12000, words: 7000, minCount: 2 },
    arch: { kind: 'max-pool-mlp', dim: 32, hidden: 32, labels: POLICIES.length },
    maxLength: 64,
    epochs: 6,
    batchSize: 64,
    learningRate: 0.005,
    positiveWeight: 3,
    seed: 12,
  },
];

/** One split of the fortunes set in memory: texts, multi-hot policy flags (row-major), slices. */
export interface PolicySplit {
  ids: string[];
  texts: string[];
  /** rows × POLICIES.length, 1 = the policy applies (the labels column is already closed upward). */
  flags: Uint8Array;
  langs: string[];
}

export async function readPolicySplit(file: string): Promise<PolicySplit> {
  const table = tableFromIPC(await readFile(file));
  const col = (name: string) => {
    const c = table.getChild(name);
    if (c === null) throw new Error(`${file}: no column ${JSON.stringify(name)}`);
    return c;
  };
  const [id, text, labels, lang] = [col('id'), col('text'), col('labels'), col('lang')];
  const k = POLICIES.length;
  const index = new Map<string, number>(POLICIES.map((p, i) => [p, i]));
  const out: PolicySplit = { ids: [], texts: [], flags: new Uint8Array(table.numRows * k), langs: [] };
  for (let i = 0; i < table.numRows; i++) {
    const row = out.ids.length;
    out.ids.push(id.get(i) as string);
    out.texts.push(text.get(i) as string);
    out.langs.push(lang.get(i) as string);
    for (const l of (labels.get(i) as { toArray(): string[] }).toArray()) {
      const j = index.get(l);
      if (j === undefined) throw new Error(`${file}: row ${i}: label ${JSON.stringify(l)} is not a policy`);
      out.flags[row * k + j] = 1;
    }
  }
  return out;
}
