import type { Architecture } from './architectures.js';

type WithoutVocab<T> = T extends unknown ? Omit<T, 'vocabSize'> : never;

/** The two reference models: different vocabularies, lengths and architectures on purpose. */
export interface Variant {
  /** Model folder under models/ and the card's name. */
  name: 'spam-v1' | 'spam-v2';
  version: string;
  tokenizer:
    | { kind: 'word-level'; size: number; minCount: number }
    | { kind: 'word-piece'; size: number; words: number; minCount: number };
  arch: WithoutVocab<Architecture>;
  maxLength: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'spam-v1',
    version: '1.0.0',
    tokenizer: { kind: 'word-level', size: 8000, minCount: 3 },
    arch: { kind: 'mean-pool', dim: 32, labels: 2 },
    maxLength: 256,
    epochs: 5,
    batchSize: 64,
    learningRate: 0.01,
    seed: 1,
  },
  {
    name: 'spam-v2',
    version: '2.0.0',
    tokenizer: { kind: 'word-piece', size: 10000, words: 6000, minCount: 3 },
    arch: { kind: 'max-pool-mlp', dim: 32, hidden: 32, labels: 2 },
    maxLength: 128,
    epochs: 5,
    batchSize: 64,
    learningRate: 0.005,
    seed: 2,
  },
];

export function architectureOf(variant: Variant, vocabSize: number): Architecture {
  return { ...variant.arch, vocabSize } as Architecture;
}
