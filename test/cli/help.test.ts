import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let stdout = '';
beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const COMMANDS = [
  ['run'],
  ['eval'],
  ['compare'],
  ['gate'],
  ['clusters'],
  ['report'],
  ['review', 'export'],
  ['review', 'import'],
  ['inspect'],
  ['convert'],
  ['demo'],
  ['data', 'build'],
  ['predictions', 'import'],
];

describe('--help', () => {
  it.each(COMMANDS)('%s: every option described, no contradictory required/default', async (...cmd) => {
    expect(await main([...cmd, '--help'])).toBe(0);
    expect(stdout).not.toContain('[default: []]');
    // An option line is `  --name  description  [type] ...`; one with no description has only
    // the bracketed annotations after its name.
    const bare = stdout
      .split('\n')
      .filter((l) => /^\s+--[a-z-]+\s+\[/.test(l))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(bare.filter((o) => o !== '--help' && o !== '--version')).toEqual([]);
  });
});
