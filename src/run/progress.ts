import cliProgress from 'cli-progress';

/** Rows done, for progress output. */
export interface ProgressReporter {
  start(total: number | null): void;
  update(done: number): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** Seconds between plain progress lines when stderr is not a TTY. */
  every?: number;
  stream?: NodeJS.WriteStream;
}

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
  return {
    start(total) {
      startedAt = Date.now();
      // cli-progress shows a zero total as a full bar at 100%: without a total, counts only.
      const format =
        total === null
          ? `${label} | {value} rows | {speed} rows/s`
          : `${label} [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}`;
      bar = new cliProgress.SingleBar(
        { stream, format, etaBuffer: 50, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { speed: '0' });
    },
    update(done) {
      const secs = (Date.now() - startedAt) / 1000;
      bar?.update(done, { speed: secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '0' });
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
  return {
    start(t) {
      total = t;
      startedAt = Date.now();
      lastAt = startedAt;
    },
    update(done) {
      const now = Date.now();
      if (now - lastAt < everyMs) return;
      lastAt = now;
      const secs = (now - startedAt) / 1000;
      const rate = done / Math.max(secs, 1e-9);
      const eta = total !== null && rate > 0 ? `, ETA ${Math.round((total - done) / rate)}s` : '';
      const of = total !== null ? `/${total}` : '';
      stream.write(`${label}: ${done}${of} rows, ${Math.round(rate)} rows/s${eta}\n`);
    },
    stop() {},
  };
}
