import type { LabelersReport, LabelersView } from '../contracts/labelers-report.js';
import { mdCode, mdTable, mdText } from '../render/markdown.js';
import { count, DASH, f3, interval, pValue } from '../render/numbers.js';

/** labelers.md: the annotator table, flags, guideline gaps and golden suspects of each view. */

const MAX_GAPS = 5;
const MAX_SUSPECTS = 10;

export function labelersMarkdown(r: LabelersReport): string {
  const c = r.counts;
  const out = [
    '# Labelling QA',
    '',
    `${count(c.judgements)} judgements of ${count(c.judgedItems)} items by ${count(c.annotators)} annotators ` +
      `(${mdText(r.inputs.judgements)}; dataset ${mdText(r.inputs.dataset)}, ${count(c.itemsWithGolden)} items with a golden label).` +
      (c.outsideDataset > 0
        ? ` ${count(c.outsideDataset)} log rows name items the dataset does not have: skipped.`
        : ''),
    '',
  ];
  for (const v of r.views) out.push(...viewSection(v, r.settings.level));
  return `${out.join('\n')}\n`;
}

function viewSection(v: LabelersView, level: number): string[] {
  const pct = `${Math.round(level * 100)}%`;
  const title = v.policy === null ? '## Annotators' : `## Policy ${mdText(v.policy)}`;
  const rows = v.annotators.map((a) => [
    mdCode(a.annotator),
    count(a.judgements),
    interval(a.accuracy.interval),
    f3(a.kappaVsGolden.kappa),
    f3(a.kappaVsConsensus.kappa),
    a.selfConsistency.n > 0 ? `${interval(a.selfConsistency.interval)} (${a.selfConsistency.n})` : DASH,
    a.flag.status === 'below' ? '**below**' : a.flag.status,
    a.flag.adjusted === null ? DASH : pValue(a.flag.adjusted),
  ]);
  const below = v.annotators.filter((a) => a.flag.status === 'below').length;
  const gaps = [...v.agreement.perLabel, ...v.agreement.perSlice]
    .filter((g) => g.rank !== null)
    .sort((a, b) => a.alpha.estimate! - b.alpha.estimate!)
    .slice(0, MAX_GAPS);
  const suspects = v.consensus.goldenSuspects;
  return [
    title,
    '',
    `Team accuracy ${interval(v.team.interval)} over ${count(v.team.n)} judgements with a golden label; ` +
      `${below} annotator(s) flagged below. Flags: ${mdText(v.flagTest, 400)}.`,
    '',
    ...mdTable(
      [
        'annotator',
        'judgements',
        `accuracy [${pct} CI]`,
        'κ vs golden',
        'κ vs consensus',
        'self-consistency (repeats)',
        'flag',
        'adjusted p',
      ],
      rows,
    ),
    '',
    `Agreement (Krippendorff's α, nominal): ${interval(v.agreement.overall.alpha)} over ${count(v.agreement.overall.units)} items judged twice or more.`,
    ...(gaps.length > 0
      ? [
          '',
          'Lowest agreement (guideline gaps):',
          '',
          ...mdTable(
            ['scope', 'items', `α [${pct} CI]`],
            gaps.map((g) => [mdText(g.scope), count(g.units), interval(g.alpha)]),
          ),
        ]
      : []),
    ...(v.agreement.confusedPairs.length > 0
      ? [
          '',
          'Most confused labels:',
          '',
          ...mdTable(
            ['labels', 'items', 'examples'],
            v.agreement.confusedPairs
              .slice(0, MAX_GAPS)
              .map((p) => [
                `${mdText(p.a)} / ${mdText(p.b)}`,
                count(p.items),
                p.examples.map((e) => mdCode(e)).join(' '),
              ]),
          ),
        ]
      : []),
    '',
    `Consensus: Dawid–Skene agrees with golden on ${interval(v.consensus.accuracyVsGolden.dawidSkene.interval)}, majority vote on ${interval(v.consensus.accuracyVsGolden.majority.interval)} of judged golden items; ${count(v.consensus.majorityTies)} majority ties. ` +
      `${count(suspects.length)} golden suspects (consensus confidently disagrees with golden)${suspects.length > 0 ? ':' : '.'}`,
    ...(suspects.length > 0
      ? [
          '',
          ...mdTable(
            ['item', 'golden', 'consensus', 'posterior'],
            suspects
              .slice(0, MAX_SUSPECTS)
              .map((s) => [mdCode(s.id), mdText(s.golden), mdText(s.consensus), f3(s.posterior)]),
          ),
        ]
      : []),
    ...driftLines(v),
    '',
  ];
}

/** The team's accuracy per period, the drift tests, and the annotators whose accuracy changed. */
function driftLines(v: LabelersView): string[] {
  const d = v.drift;
  if (d === null) return [];
  const unit = d.by === 'batch' ? 'batch' : 'ISO week';
  const changed = d.annotators.filter((a) => a.verdict === 'drop' || a.verdict === 'rise');
  return [
    '',
    `Team accuracy by ${unit} (${count(d.unplaced)} golden-labelled judgements without a ${d.by === 'batch' ? 'batch' : 'timestamp'} not placed): ` +
      `**${d.team.verdict}**${changeText(d.team)}${trendText(d.team)}. Tests: ${mdText(d.tests, 400)}.`,
    '',
    ...mdTable(
      [unit, 'judgements', 'accuracy'],
      d.team.periods.map((p) => [mdText(p.period), count(p.n), interval(p.interval)]),
    ),
    ...(changed.length > 0
      ? [
          '',
          'Annotators whose accuracy changed:',
          '',
          ...mdTable(
            ['annotator', 'verdict', 'from', 'before', 'after', 'adjusted p'],
            changed.map((a) => [
              mdCode(a.annotator),
              `**${a.verdict}**`,
              mdText(a.changePoint!.period),
              interval(a.changePoint!.before.interval),
              interval(a.changePoint!.after.interval),
              pValue(a.changePoint!.adjusted),
            ]),
          ),
        ]
      : []),
  ];
}

type DriftSeries = NonNullable<LabelersView['drift']>['team'];

function changeText(s: DriftSeries): string {
  const c = s.changePoint;
  if (c === null) return '';
  return ` (change from ${mdText(c.period)}: ${interval(c.before.interval)} before, ${interval(c.after.interval)} after, p ${pValue(c.pValue)})`;
}

function trendText(s: DriftSeries): string {
  return s.trend === null ? '' : `; trend z = ${f3(s.trend.z)}, p ${pValue(s.trend.pValue)}`;
}
