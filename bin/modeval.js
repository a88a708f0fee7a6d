#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'modeval: not built yet; run `npm run build` (or `npm ci`) in the modeval folder first\n',
  );
  process.exit(3);
}
const { main } = await import(entry.href);
// The composition root: the built-in dataset builders live in datasets/, outside the library, and
// reach the CLI here (each builder is imported only when a command builds that dataset).
const { builtinDatasets } = await import(new URL('../dist/datasets/index.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), { datasets: builtinDatasets });
