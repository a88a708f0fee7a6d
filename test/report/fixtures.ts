import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bool, Field, List, Struct, Utf8 } from 'apache-arrow';
import { type ClustersReport, ClustersReportSchema } from '../../src/contracts/clusters-report.js';
import { ReviewImportSummarySchema } from '../../src/contracts/review-import.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { unitHash, writePredictions } from '../evaluate/fixtures.js';
import { writeArrow } from '../helpers/arrow.js';

/**
 * SYNTHETIC hostile fixtures for the report: ids, texts, labels, slice values, annotator and model
 * names are XSS payloads, closing tags and bidi overrides. Payloads that would run set
 * `window.__pwned` (or open a dialog), which the browser test watches for.
 */
export const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=2">',
  'javascript:window.__pwned=3',
  '</td></table></section><script>alert(4)</script>',
  '<svg onload="window.__pwned=5"><circle r=9></svg>',
  '"><img src=x onerror=alert(6)>',
  "'><iframe src=javascript:alert(7)>",
  'evil\u202Egnp.exe',
  '<a href="javascript:alert(9)">click</a>',
  '<style>body{display:none}</style>',
  '{{constructor.constructor("alert(11)")()}}',
  '<math><mi xlink:href="javascript:alert(12)">x</mi></math>',
] as const;

/** The positive label is itself a payload: it reaches axis labels, legends, table headers. */
export const HOSTILE_LABELS = ['ok', '<b onmouseover=alert(13)>abuse</b>'] as const;

export interface HostileRun {
  dirA: string;
  dirB: string;
  dataset: string;
}

/** Build a hostile dataset, two models' predictions, metrics.json, run.json and clusters.json. */
export async function buildHostileRuns(root: string): Promise<HostileRun> {
  const U = new Utf8();
  const n = 120;
  // Unique ids that all start with a payload.
  const ids = Array.from({ length: n }, (_, i) => `${PAYLOADS[i % PAYLOADS.length]}#${i}`);
  const texts = ids.map(
    (_, i) => `${PAYLOADS[(i + 3) % PAYLOADS.length]}\nline two ${PAYLOADS[i % PAYLOADS.length]}`,
  );
  const truth = ids.map((id) => (unitHash(id, 7) < 0.4 ? HOSTILE_LABELS[1] : HOSTILE_LABELS[0]));
  const annType = new List(
    new Field('item', new Struct([new Field('annotator', U, true), new Field('label', U, true)]), true),
  );
  const dataset = join(root, 'hostile.arrow');
  writeArrow(dataset, {
    id: { values: ids, type: U },
    text: { values: texts, type: U },
    label: { values: truth, type: U },
    // Slice values are payloads too; a few small ones get the "small" flag.
    '<script>alert("col")</script>': { values: ids.map((_, i) => PAYLOADS[i % 4]!), type: U },
    'lang\u202Eeng': {
      values: ids.map((_, i) => (i < 100 ? 'en' : '<img src=x onerror=alert(14)>')),
      type: U,
    },
    identity: { values: ids.map((_, i) => i % 3 === 0), type: new Bool() },
    annotations: {
      values: truth.map((t, i) => [
        { annotator: '<script>alert("ann")</script>', label: t },
        {
          annotator: 'ann\u202E2',
          label: i % 5 === 0 ? HOSTILE_LABELS[(HOSTILE_LABELS.indexOf(t) + 1) % 2]! : t,
        },
      ]),
      type: annType,
    },
  });
  const spec = {
    labels: [...HOSTILE_LABELS],
    positive: HOSTILE_LABELS[1],
    identity: ['identity'],
  };
  writeFileSync(join(root, 'hostile.spec.json'), JSON.stringify(spec));
  const dirs: string[] = [];
  for (const [k, name] of [
    '<script>alert("model")</script>',
    'm\u202Eodel"><svg onload=alert(15)>',
  ].entries()) {
    const dir = join(root, `run-${k}`);
    mkdirSync(dir, { recursive: true });
    const predictions = join(dir, 'predictions.arrows');
    const scores = ids.map((id, i) => {
      const pos = truth[i] === HOSTILE_LABELS[1];
      const p = Math.fround(
        Math.min(0.99, Math.max(0.01, (pos ? 0.68 : 0.32) + (unitHash(id, 11 + k) - 0.5) * 0.9)),
      );
      return [1 - p, p];
    });
    writePredictions(predictions, {
      labels: [...HOSTILE_LABELS],
      positive: HOSTILE_LABELS[1],
      ids,
      scores,
      name,
      batchSize: 50,
    });
    await evaluate({
      dataset,
      spec,
      predictions: [predictions],
      out: dir,
      resamples: 60,
      minSliceSupport: 30,
    });
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runJson(name, dataset)));
    writeFileSync(join(dir, 'clusters.json'), JSON.stringify(clustersJson(name, ids, texts)));
    dirs.push(dir);
  }
  writeFileSync(join(dirs[0]!, 'golden-v2.review.json'), JSON.stringify(reviewJson(ids)));
  return { dirA: dirs[0]!, dirB: dirs[1]!, dataset };
}

function runJson(name: string, dataset: string) {
  return {
    status: 'completed',
    predictions: 'predictions.arrows',
    model: { name, version: '<i>1</i>', sha256: 'a'.repeat(64) },
    dataset: { file: dataset, fingerprint: 'b'.repeat(64) },
    rows: 120,
    rejected: 0,
    predicted: 120,
    invalid: 0,
    truncated: 0,
    labelled: 120,
    accuracy: 0.7,
    seconds: 1,
    rowsPerSecond: 120,
    workers: 1,
    threads: 1,
    provider: '<script>alert("provider")</script>',
    retries: 0,
    resumedFromRow: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    meta: {
      schemaVersion: 1,
      source: 'model',
      model: {
        name,
        version: '<i>1</i>',
        sha256: 'a'.repeat(64),
        task: 'binary',
        labels: [...HOSTILE_LABELS],
        positive: HOSTILE_LABELS[1],
        thresholds: { [HOSTILE_LABELS[1]]: 0.5 },
      },
      dataset: { file: dataset, fingerprint: 'b'.repeat(64), rows: 120 },
      harness: { name: 'modeval', version: '<script>alert("v")</script>' },
      runtime: { '<img src=x onerror=alert(16)>': 'node\u202E20' },
      options: { batchSize: 256, '"><script>alert(17)</script>': '</style><script>alert(18)</script>' },
    },
  };
}

/** A SYNTHETIC clusters.json (the shape `modeval clusters` writes), every string hostile. */
function clustersJson(name: string, ids: string[], texts: string[]): ClustersReport {
  const cluster = (rank: number, kind: 'false_positive' | 'false_negative') => ({
    id: `c${rank}`,
    rank,
    cell: `${HOSTILE_LABELS[0]}>${HOSTILE_LABELS[1]}`,
    golden: kind === 'false_positive' ? HOSTILE_LABELS[0] : HOSTILE_LABELS[1],
    predicted: kind === 'false_positive' ? HOSTILE_LABELS[1] : HOSTILE_LABELS[0],
    kind,
    name: `${PAYLOADS[rank]!} ${PAYLOADS[rank + 1]!}`,
    terms: PAYLOADS.slice(0, 6).map((term, i) => ({ term, weight: 0.5 - i * 0.05 })),
    size: 10 - rank,
    share: 0.3,
    meanScore: 0.8,
    errorRate: 0.4,
    impact: (10 - rank) * 0.4,
    relabelCandidates: rank,
    slices: [
      {
        column: '<script>alert("col")</script>',
        value: PAYLOADS[1],
        lift: 2.5,
        support: 4,
        clusterShare: 0.5,
        cellShare: 0.2,
      },
    ],
    representatives: [0, 1, 2, 3].map((j) => ({
      id: ids[rank * 4 + j]!,
      text: texts[rank * 4 + j]!,
      score: 0.9,
      distance: 0.1,
      labelIssue: j % 2 === 0 ? ('relabel' as const) : ('model_error' as const),
    })),
    outliers: [],
    members: ids.slice(rank * 4, rank * 4 + 8),
  });
  return ClustersReportSchema.parse({
    schemaVersion: 1,
    dataset: { file: 'hostile.arrow', fingerprint: 'b'.repeat(64) },
    model: { file: 'predictions.arrows', name, version: '0' },
    labels: [...HOSTILE_LABELS],
    seed: 0,
    options: {
      minCellSize: 5,
      maxK: 4,
      dimensions: 16,
      wordNgrams: [1, 2],
      charNgrams: [3, 5],
      minSliceSupport: 3,
      maxTextChars: 2000,
    },
    cells: [
      {
        cell: `${HOSTILE_LABELS[0]}>${HOSTILE_LABELS[1]}`,
        golden: HOSTILE_LABELS[0],
        predicted: HOSTILE_LABELS[1],
        size: 20,
        clustered: true,
        note: '<script>alert("note")</script>',
        k: 2,
        silhouette: 0.21,
        tried: [{ k: 2, silhouette: 0.21 }],
      },
    ],
    clusters: [cluster(1, 'false_positive'), cluster(2, 'false_negative')],
  });
}

/** A SYNTHETIC `modeval review import` summary with hostile ids, reviewers and labels. */
function reviewJson(ids: string[]) {
  return ReviewImportSummarySchema.parse({
    output: 'golden-v2.arrow',
    report: 'golden-v2.review.json',
    spec: 'golden-v2.spec.json',
    previous: { file: 'hostile.arrow', fingerprint: 'b'.repeat(64) },
    rows: 120,
    verdicts: 14,
    skipped: 1,
    reviewed: 12,
    relabelled: 5,
    transitions: [{ from: HOSTILE_LABELS[0], to: HOSTILE_LABELS[1], count: 5 }],
    conflicts: [
      {
        id: ids[3]!,
        golden: HOSTILE_LABELS[1],
        answers: [
          { reviewer: '<img src=x onerror=alert("rev")>', label: HOSTILE_LABELS[0], file: 'a.csv', row: 2 },
          { reviewer: 'rev\u202E2', label: HOSTILE_LABELS[1], file: 'b.csv', row: 7 },
        ],
        resolution: HOSTILE_LABELS[1],
        policy: 'majority',
      },
    ],
  });
}
