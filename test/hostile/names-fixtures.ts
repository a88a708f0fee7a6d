import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, List, Struct, Utf8 } from 'apache-arrow';
import { writeArrow } from '../helpers/arrow.js';
import { stringLookupModel, writeModelDir } from '../model/fixtures.js';

/**
 * SYNTHETIC fixtures: no real data set has labels or slice values named like Object's properties
 * or like Vega expressions, so this one is made up. Labels `__proto__` and `constructor` (the
 * positive class); slice values that are property names, Vega field syntax and HTML.
 */
export const NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'a.b',
  "datum['x']",
  '"quoted"',
  '<script>alert(1)</script>',
  '\\',
  '{}',
] as const;

export const LABELS = ['__proto__', 'constructor'] as const;
export const POSITIVE = 'constructor';

/**
 * The graph (model/fixtures stringLookupModel) scores text "hi" [4, 0], "buy now" [0, 4] and
 * anything else [0, 0], so the positive score is 0.018, 0.982 or exactly 0.5: a threshold of 0.6
 * on `constructor` decides the 0.5 rows `__proto__`, the default 0.5 decides them `constructor`.
 */
export const TEXTS = ['hi', 'buy now', 'other'] as const;
export const ROWS = 90;

export interface NamesRow {
  id: string;
  text: string;
  label: string;
  /** Slice column `group`. */
  group: string;
  /** Slice column `a.b` (a field name Vega would read as a path). */
  dotted: string;
}

/** Deterministic rows: every text with both labels, every slice value in both columns. */
export function namesRows(): NamesRow[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const text = TEXTS[i % 3]!;
    // Mostly what "hi"/"buy now" suggest; "other" rows are mostly __proto__; every 7th flipped.
    const expected = text === 'buy now' ? 1 : 0;
    const label = LABELS[i % 7 === 0 ? 1 - expected : expected]!;
    return {
      id: `${NAMES[i % NAMES.length]}#${i}`,
      text,
      label,
      group: NAMES[i % NAMES.length]!,
      dotted: NAMES[(i * 3 + 1) % NAMES.length]!,
    };
  });
}

export interface NamesFixture {
  dataset: string;
  baseline: string;
  candidate: string;
  policy: string;
}

export function buildNamesFixture(root: string): NamesFixture {
  mkdirSync(root, { recursive: true });
  const rows = namesRows();
  const U = new Utf8();
  const annType = new List(
    new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
  );
  const dataset = join(root, 'names.arrow');
  writeArrow(dataset, {
    id: { values: rows.map((r) => r.id), type: U },
    text: { values: rows.map((r) => r.text), type: U },
    label: { values: rows.map((r) => r.label), type: U },
    group: { values: rows.map((r) => r.group), type: U },
    'a.b': { values: rows.map((r) => r.dotted), type: U },
    annotations: {
      values: rows.map((r, i) => [
        { annotator: 'constructor', label: r.label },
        {
          annotator: '__proto__',
          label: i % 5 === 0 ? LABELS[1 - LABELS.indexOf(r.label as never)]! : r.label,
        },
      ]),
      type: annType,
    },
  });
  writeFileSync(
    join(root, 'names.spec.json'),
    JSON.stringify({ labels: [...LABELS], positive: POSITIVE, slices: ['group', 'a.b'] }),
  );
  const card = (threshold: number, name: string) => ({
    name,
    version: '1',
    task: 'binary' as const,
    labels: [...LABELS],
    positive: POSITIVE,
    thresholds: { [POSITIVE]: threshold },
    inputs: [{ kind: 'string' as const, column: 'text', tensor: 'text' }],
  });
  const baseline = writeModelDir(join(root, 'baseline'), {
    onnx: stringLookupModel(),
    card: card(0.5, 'toString'),
  });
  const candidate = writeModelDir(join(root, 'candidate'), {
    onnx: stringLookupModel(),
    card: card(0.6, '__proto__'),
  });
  const policy = join(root, 'policy.yaml');
  writeFileSync(
    policy,
    [
      'version: 1',
      'resamples: 200',
      'costs:',
      '  __proto__: { constructor: 5 }',
      '  constructor: { __proto__: 1 }',
      'rules:',
      '  - recall[constructor] >= 0.5',
      '  - fpr[constructor] <= 0.2',
      '  - rule: recall[constructor] >= 0.1 where group = constructor',
      '  - rule: fpr[constructor] <= 0.5 per group',
      '  - cost <= baseline',
      '  - newly_wrong[__proto__] <= 0',
      '',
    ].join('\n'),
  );
  return { dataset, baseline, candidate, policy };
}

/** Multiclass labels that are property names, Vega syntax and markup (SYNTHETIC). */
export const CLASS_NAMES = [
  'toString',
  'hasOwnProperty',
  '__proto__',
  'a.b',
  "datum['x']",
  '<script>alert(2)</script>',
];

export interface ClassRow {
  id: string;
  text: string;
  label: string;
  /** The class the graph decides (argmax): CLASS_NAMES[k] for text `t<k>`. */
  decided: string;
  /** Slice column named `constructor`. */
  slice: string;
}

/** Text `t<k>` is decided CLASS_NAMES[k]; every 5th row's golden label is the next class. */
export function classRows(): ClassRow[] {
  return Array.from({ length: 72 }, (_, i) => {
    const k = i % CLASS_NAMES.length;
    const label = CLASS_NAMES[i % 5 === 0 ? (k + 1) % CLASS_NAMES.length : k]!;
    return { id: `c${i}`, text: `t${k}`, label, decided: CLASS_NAMES[k]!, slice: NAMES[i % NAMES.length]! };
  });
}

/** A multiclass golden set and model whose labels are CLASS_NAMES, with a slice column `constructor`. */
export function buildClassFixture(root: string): { dataset: string; model: string } {
  mkdirSync(root, { recursive: true });
  const rows = classRows();
  const U = new Utf8();
  const dataset = join(root, 'classes.arrow');
  writeArrow(dataset, {
    id: { values: rows.map((r) => r.id), type: U },
    text: { values: rows.map((r) => r.text), type: U },
    label: { values: rows.map((r) => r.label), type: U },
    constructor: { values: rows.map((r) => r.slice), type: U },
  });
  writeFileSync(
    join(root, 'classes.spec.json'),
    JSON.stringify({ labels: CLASS_NAMES, slices: ['constructor'] }),
  );
  const model = writeModelDir(join(root, 'classes-model'), {
    onnx: stringLookupModel(CLASS_NAMES.map((_, k) => `t${k}`)),
    card: {
      name: 'hasOwnProperty',
      version: '1',
      task: 'multiclass',
      labels: CLASS_NAMES,
      inputs: [{ kind: 'string', column: 'text', tensor: 'text' }],
    },
  });
  return { dataset, model };
}
