import type { RunSummary } from '../contracts/predictions.js';
import type { RunTally } from './checkpoint.js';

/** The run summary (run.json and the CLI's report) from the tally and the timing of this process. */

export type SummaryInput = Omit<
  RunSummary,
  | 'predicted'
  | 'invalid'
  | 'truncated'
  | 'labelled'
  | 'accuracy'
  | 'seconds'
  | 'rowsPerSecond'
  | 'startedAt'
  | 'finishedAt'
> & { tally: RunTally; processedNow: number; startedAt: Date };

/** The run summary, timed now; rows/s counts only the rows this process scored (not a resume's earlier ones). */
export function summarize({ tally, processedNow, startedAt, ...rest }: SummaryInput): RunSummary {
  const finishedAt = new Date();
  const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  return {
    status: rest.status,
    predictions: rest.predictions,
    model: rest.model,
    dataset: rest.dataset,
    rows: rest.rows,
    rejected: rest.rejected,
    predicted: tally.predicted,
    invalid: tally.invalid,
    truncated: tally.truncated,
    labelled: tally.labelled,
    accuracy: tally.labelled > 0 ? tally.correct / tally.labelled : null,
    seconds,
    rowsPerSecond: seconds > 0 ? processedNow / seconds : 0,
    workers: rest.workers,
    threads: rest.threads,
    provider: rest.provider,
    retries: rest.retries,
    resumedFromRow: rest.resumedFromRow,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    ...(rest.shard ? { shard: rest.shard } : {}),
  };
}
