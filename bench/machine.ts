import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** One line naming the machine a benchmark ran on, for results tables. */
export function describeMachine(): string {
  let cpu = 'unknown CPU';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    // not Linux: keep the placeholder
  }
  return `${cpu}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median latency (ms) of a finished tinybench task; throws if the task errored. */
export function medianLatencyMs(task: { name: string; result: unknown }): number {
  const r = task.result as { latency?: { p50?: number }; error?: unknown };
  if (r.latency?.p50 === undefined)
    throw new Error(`benchmark task ${task.name} did not complete: ${String(r.error)}`);
  return r.latency.p50;
}
