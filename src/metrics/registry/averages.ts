import { anyTaskMetric, type DescriptionChoices, type MetricPlaces } from './declaration.js';

/** Micro, macro and support-weighted averages of precision, recall and F1 over classes. */

type Field = 'precision' | 'recall' | 'f1';
const FIELD_LABEL: Readonly<Record<Field, string>> = { precision: 'precision', recall: 'recall', f1: 'F1' };

const macroText = ({ absentClasses }: DescriptionChoices) =>
  `unweighted mean over classes of the defined per-class values${
    absentClasses === 'skip'
      ? ', classes with no true and no predicted item left out'
      : absentClasses === 'present-in-golden'
        ? ', over the classes with golden items in the set or slice only; undefined (null, with the reason) when fewer than two classes have golden items'
        : ''
  }`;

const sum = (
  r: { perClass: { tp: number; fp: number; fn: number }[] },
  f: (c: { tp: number; fp: number; fn: number }) => number,
) => r.perClass.reduce((s, c) => s + f(c), 0);

/** Micro precision and recall are proportions of the pooled counts; micro F1 rests on all items. */
const micro = (field: Field, rule: { name: string; order: number } | null, places: MetricPlaces) =>
  anyTaskMetric({
    key: `micro.${field}` as const,
    scope: 'overall',
    rule,
    label: `micro ${FIELD_LABEL[field]}`,
    description: 'ratios of the summed TP/FP/FN over classes',
    range: [0, 1],
    direction: 'higher',
    places,
    interval:
      field === 'precision'
        ? { method: 'proportion', counts: (r) => [sum(r, (c) => c.tp), sum(r, (c) => c.tp + c.fp)] }
        : field === 'recall'
          ? { method: 'proportion', counts: (r) => [sum(r, (c) => c.tp), sum(r, (c) => c.tp + c.fn)] }
          : { method: 'bootstrap', restsOn: (r) => r.n },
    value: (r) => r.micro[field],
  });

/** An average over classes rests on the smallest golden class present. */
const macro = (field: Field, rule: { name: string; order: number }, places: MetricPlaces) =>
  anyTaskMetric({
    key: `macro.${field}` as const,
    scope: 'overall',
    rule,
    label: `macro ${FIELD_LABEL[field]}`,
    description: macroText,
    range: [0, 1],
    direction: 'higher',
    places,
    interval: {
      method: 'bootstrap',
      restsOn: (_r, _j, s) => s.smallestPresent,
      undefinedWhen: (r, _j, _iv, s) =>
        r.absentClasses !== 'present-in-golden' || s.present >= 2
          ? null
          : s.present === 0
            ? 'no class has golden items here'
            : 'only one class has golden items here, and a macro average needs two (its per-class value is reported)',
    },
    value: (r) => r.macro[field],
  });

const weighted = (field: Field, rule: { name: string; order: number } | null, places: MetricPlaces) =>
  anyTaskMetric({
    key: `weighted.${field}` as const,
    scope: 'overall',
    rule,
    label: `weighted ${FIELD_LABEL[field]}`,
    description: 'mean over classes weighted by golden support',
    range: [0, 1],
    direction: 'higher',
    places,
    interval: { method: 'bootstrap', restsOn: (_r, _j, s) => s.smallestPresent },
    value: (r) => r.weighted[field],
  });

export const macroF1 = macro(
  'f1',
  { name: 'f1_macro', order: 40 },
  { terminal: 80, report: 80, compare: 30 },
);
export const microF1 = micro('f1', { name: 'f1_micro', order: 50 }, { terminal: 90 });
export const weightedF1 = weighted(
  'f1',
  { name: 'f1_weighted', order: 60 },
  { terminal: 100, report: 100, compare: 40 },
);
export const macroPrecision = macro('precision', { name: 'precision_macro', order: 70 }, { compare: 50 });
export const macroRecall = macro('recall', { name: 'recall_macro', order: 80 }, { compare: 60 });
export const microPrecision = micro('precision', null, {});
export const microRecall = micro('recall', null, {});
export const weightedPrecision = weighted('precision', null, {});
export const weightedRecall = weighted('recall', null, {});
