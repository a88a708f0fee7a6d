import { notPolicy, taskView } from '../task/index.js';
import type { JudgementTable } from './judgements.js';

/**
 * The nominal views every statistic runs on: a single-label set is one view over its labels; a
 * multi-policy set is one yes/no view per policy (`not p` / `p`), each judgement and golden label
 * read as whether it includes p. The task view says which; nothing below asks the task.
 */
export interface NominalView {
  /** The view's policy (multi-policy sets), or null. */
  readonly policy: string | null;
  readonly labels: readonly string[];
  /** Per item: the golden label's index in `labels`, or -1 when the item has none. */
  readonly golden: Int32Array;
  /** Per judgement: the chosen label's index in `labels`. */
  readonly label: Int32Array;
}

export function nominalViews(table: JudgementTable): NominalView[] {
  const k = table.labels.length;
  const items = table.items.ids.length;
  const n = table.item.length;
  if (!taskView(table.items.task).multiLabel) {
    const firstFlag = (flags: Uint8Array, row: number) => {
      for (let c = 0; c < k; c++) if (flags[row * k + c]) return c;
      return -1;
    };
    return [
      {
        policy: null,
        labels: table.labels,
        golden: Int32Array.from({ length: items }, (_, i) =>
          table.hasGolden[i] ? firstFlag(table.goldenFlags, i) : -1,
        ),
        label: Int32Array.from({ length: n }, (_, t) => firstFlag(table.flags, t)),
      },
    ];
  }
  return table.labels.map((policy, c) => ({
    policy,
    labels: [notPolicy(policy), policy],
    golden: Int32Array.from({ length: items }, (_, i) =>
      table.hasGolden[i] ? table.goldenFlags[i * k + c]! : -1,
    ),
    label: Int32Array.from({ length: n }, (_, t) => table.flags[t * k + c]!),
  }));
}
