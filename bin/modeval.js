#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled into dist/bundle by `npm run build` (run
// automatically by `npm ci`); see scripts/bundle.mjs for why it is bundled.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bundle/modeval.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'modeval: not built yet; run `npm run build` (or `npm ci`) in the modeval folder first\n',
  );
  process.exit(3);
}
// The composition root: the bundle carries the CLI and the built-in dataset builders (datasets/,
// outside the library; each builder is loaded only when a command builds that dataset).
const { main, builtinDatasets } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), { datasets: builtinDatasets });
