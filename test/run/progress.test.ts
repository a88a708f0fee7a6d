import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/run/progress.js';

/** A stderr stand-in that records what is written; `tty` makes cli-progress draw its bar. */
function fakeStderr(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: tty, columns: 160 });
  return { stream, text: () => out };
}

describe('run progress', () => {
  it('on a TTY without a known total, shows counts, never a bar stuck at 100%', () => {
    const err = fakeStderr(true);
    const progress = createProgress('spam-v1@1.0.0', { stream: err.stream });
    progress.start(null);
    progress.update(500);
    progress.stop();
    expect(err.text()).toContain('spam-v1@1.0.0 | 500 rows |');
    expect(err.text()).not.toContain('%');
  });

  it('on a TTY with a total, shows the bar, percentage and count', () => {
    const err = fakeStderr(true);
    const progress = createProgress('m@1', { stream: err.stream });
    progress.start(1000);
    progress.update(250);
    progress.stop();
    expect(err.text()).toContain('25% | 250/1,000 rows');
  });

  it('off a TTY, writes plain lines at most every `every` seconds', () => {
    const err = fakeStderr(false);
    const progress = createProgress('m@1', { stream: err.stream, every: 0 });
    progress.start(null);
    progress.update(42);
    progress.stop();
    expect(err.text()).toMatch(/^m@1: 42 rows, [\d,]+ rows\/s\n$/);
  });

  it('writes every count the same way, thousands separated', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const err = fakeStderr(false);
      const progress = createProgress('m@1', { stream: err.stream, every: 0 });
      progress.start(12_000);
      vi.advanceTimersByTime(1000);
      progress.update(1183);
      expect(err.text()).toBe('m@1: 1,183/12,000 rows, 1,183 rows/s, ETA 9s\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a resume, counts the earlier rows but measures speed on this run only', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const err = fakeStderr(false);
      const progress = createProgress('m@1', { stream: err.stream, every: 0 });
      progress.start(null, 1000);
      vi.advanceTimersByTime(2000);
      progress.update(1100);
      expect(err.text()).toBe('m@1: 1,100 rows, 50 rows/s\n');
    } finally {
      vi.useRealTimers();
    }
  });
});
