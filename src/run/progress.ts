import cliProgress from 'cli-progress';

/** Rows done, for progress output. */
export interface ProgressReporter {
  /** `done`: rows an interrupted run already did (counted in the total, not in the speed). */
  start(total: number | null, done?: number): void;
  update(done: number): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** Seconds between plain progress lines when stderr is not a TTY. */
  every?: number;
  stream?: NodeJS.WriteStream;
}

/** Every count in progress output reads the same way: `1,183 rows`, `1,995 rows/s`. */
const count = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A bar (cli-progress) on a TTY; plain periodic lines otherwise (CI logs); nothing with `quiet`.
 * Progress goes to stderr so stdout stays machine-readable.
 */
export function createProgress(label: string, options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { start() {}, update() {}, stop() {} };
  if (stream.isTTY) return barProgress(label, stream);
  return lineProgress(label, stream, (options.every ?? 5) * 1000);
}

function barProgress(label: string, stream: NodeJS.WriteStream): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let startedAt = Date.now();
  let before = 0;
  return {
    start(total, done = 0) {
      startedAt = Date.now();
      before = done;
      // cli-progress shows a zero total as a full bar at 100%: without a total, counts only.
      const format =
        total === null
          ? `${label} | {done} rows | {speed} rows/s`
          : `${label} [{bar}] {percentage}% | {done}/{all} rows | {speed} rows/s | ETA {eta_formatted}`;
      bar = new cliProgress.SingleBar(
        { stream, format, etaBuffer: 50, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, done, { speed: '0', done: count(done), all: count(total ?? 0) });
    },
    update(done) {
      const secs = (Date.now() - startedAt) / 1000;
      const speed = secs > 0 ? count((done - before) / secs) : '0';
      bar?.update(done, { speed, done: count(done) });
    },
    stop() {
      bar?.stop();
    },
  };
}

function lineProgress(label: string, stream: NodeJS.WriteStream, everyMs: number): ProgressReporter {
  let total: number | null = null;
  let startedAt = Date.now();
  let lastAt = 0;
  let before = 0;
  return {
    start(t, done = 0) {
      total = t;
      before = done;
      startedAt = Date.now();
      lastAt = startedAt;
    },
    update(done) {
      const now = Date.now();
      if (now - lastAt < everyMs) return;
      lastAt = now;
      const secs = (now - startedAt) / 1000;
      const rate = (done - before) / Math.max(secs, 1e-9);
      const eta = total !== null && rate > 0 ? `, ETA ${Math.round((total - done) / rate)}s` : '';
      const of = total !== null ? `/${count(total)}` : '';
      stream.write(`${label}: ${count(done)}${of} rows, ${count(rate)} rows/s${eta}\n`);
    },
    stop() {},
  };
}
