import { setFlagsFromString } from 'node:v8';

/**
 * Streaming a large Arrow file allocates a fresh buffer per record batch outside the JS heap, and
 * V8 counts those toward the limit that starts a full GC. The JS heap itself stays small (tens of
 * MB: columns live in typed arrays), so V8's adaptive growth factor stays near its minimum and a
 * 10 M-row `eval` ran a full GC every 30-40 ms: 184 of them, 2 s of a 16 s run, each reclaiming
 * almost nothing. A fixed factor of 4 (the top of V8's own range) brings that to about 15 and costs
 * about 17 MB of peak RSS (bench/RESULTS-volume.md). Process-wide, so only the CLI, which owns the
 * process, sets it, before any worker thread starts.
 */
export function useStreamingGcPolicy(): void {
  setFlagsFromString('--heap-growing-percent=300');
}
