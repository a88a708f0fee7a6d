import { BadInputError } from '../util/errors.js';

/**
 * The `--on-invalid` rule for judgements, as `eval` has it for golden rows: `error` stops at the
 * first bad judgement naming its file, row and field; `skip` leaves it out and keeps it, with its
 * reason, for `rejected-judgements.jsonl` and the counts of labelers.json.
 */
export interface RejectedJudgement {
  readonly row: number;
  readonly field: string | null;
  readonly id: string | null;
  readonly reason: string;
}

export class Rejects {
  readonly rows: RejectedJudgement[] = [];
  constructor(
    readonly onInvalid: 'error' | 'skip',
    private readonly file: string,
  ) {}

  /** Records (skip) or throws (error) one bad judgement. */
  reject(row: number, field: string | null, id: string | null, reason: string): void {
    if (this.onInvalid === 'error') {
      throw new BadInputError(reason, {
        file: this.file,
        row,
        ...(id === null ? {} : { id }),
        ...(field === null ? {} : { field }),
      });
    }
    this.rows.push({ row, field, id, reason });
  }
}

/** Whether each label is one the dataset declares (undeclared label sets take what they see). */
export function labelProblem(
  labels: readonly string[],
  declared: readonly string[] | undefined,
): string | null {
  if (declared === undefined) return null;
  const bad = labels.find((l) => !declared.includes(l));
  return bad === undefined
    ? null
    : `label "${bad}" is not one of the dataset's labels (${declared.join(', ')})`;
}
