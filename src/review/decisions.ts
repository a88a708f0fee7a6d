import type { EvalSet } from '../evaluate/eval-set.js';
import { taskViewOf } from '../task/index.js';
import { multiLabelDecisions } from './decisions-multilabel.js';
import { singleLabelDecisions } from './decisions-single.js';
import type { RowDecisions } from './row-decisions.js';

export type { ItemValue, RowDecisions } from './row-decisions.js';

/** The row decisions of a set, per its task view. */
export function rowDecisions(set: EvalSet): RowDecisions {
  return taskViewOf(set).multiLabel ? multiLabelDecisions(set) : singleLabelDecisions(set);
}
