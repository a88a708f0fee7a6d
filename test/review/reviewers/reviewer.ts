/**
 * How a reviewer answers in each tool, for the registry round trip (../format-registry.test.ts):
 * one module per review format with a reader, named after its id, exporting `review`. It reads
 * what the format exported into the batch folder and writes the verdicts back the way that tool
 * (or a person in a spreadsheet or editor) would, returning the file (or folder) to import.
 */
export interface Answer {
  /** The item's id in the golden set. */
  id: string;
  reviewer: string;
  /** The answer: one label on a single-label queue, the ticked policies ([] = none) on a multi-label one. */
  labels: readonly string[];
  multiLabel: boolean;
}

export type Review = (batchDir: string, answers: ReadonlyMap<string, Answer>) => Promise<string>;

/** The answer to a multiple-choice question: the policies, or "(none)" (what the queues offer). */
export function ticks(a: Answer): string[] {
  return a.labels.length > 0 ? [...a.labels] : ['(none)'];
}
