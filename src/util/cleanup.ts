/**
 * Things to undo if the process is stopped by a signal before it finishes: temporary files not
 * yet renamed into place, lock files, half-swapped file sets. Each entry is synchronous, because a
 * signal handler that awaits can be overtaken by the next signal or by process.exit.
 */
const pending = new Set<() => void>();

/** Register a synchronous undo step; the returned function unregisters it (call it when done). */
export function onInterruptCleanup(undo: () => void): () => void {
  pending.add(undo);
  return () => {
    pending.delete(undo);
  };
}

/** Run and forget every registered undo step (each one's failure is ignored: best effort). */
export function runInterruptCleanups(): void {
  const steps = [...pending].reverse();
  pending.clear();
  for (const step of steps) {
    try {
      step();
    } catch {
      // Nothing better to do while the process is being stopped.
    }
  }
}

/** How many undo steps are registered (tests assert that a finished command left none). */
export function pendingCleanups(): number {
  return pending.size;
}

/** Exit code of a command stopped by SIGINT or SIGTERM (128 + SIGINT by convention). */
export const INTERRUPTED_EXIT_CODE = 130;

type GracefulStop = () => void;
let graceful: GracefulStop | undefined;

/**
 * Let a long command (run) stop gracefully on the first SIGINT/SIGTERM: `stop` is called instead
 * of exiting, and a second signal exits at once. The returned function gives signals back.
 */
export function stopGracefullyOnSignal(stop: GracefulStop): () => void {
  graceful = stop;
  return () => {
    if (graceful === stop) graceful = undefined;
  };
}

/**
 * Install SIGINT/SIGTERM handlers for the lifetime of a CLI command: the first signal goes to the
 * graceful stop if one is set; otherwise (or on a second signal) the registered cleanups run and
 * the process exits 130 at once. Returns the uninstaller.
 */
export function handleInterrupts(exit: (code: number) => never = process.exit): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    const stop = graceful;
    if (stop) {
      graceful = undefined;
      stop();
      return;
    }
    runInterruptCleanups();
    process.stderr.write(`\nmodeval: stopped by ${signal}\n`);
    exit(INTERRUPTED_EXIT_CODE);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
