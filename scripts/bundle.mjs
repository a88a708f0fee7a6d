#!/usr/bin/env node
// Bundles the compiled CLI and worker (dist/) into a few files under dist/bundle, loaded by
// bin/modeval.js and the worker pool. Why: Node 20 has no compile cache, and loading the ~400 ES
// modules behind `modeval run` (apache-arrow alone is 146, zod 95) took about half a second of
// every run's start-up on the main thread and again in each worker; bundled with code splitting,
// a verb loads only its chunks (bench/RESULTS-volume.md). The library (dist/src) stays unbundled.
// Native and asset-reading packages stay external and load from node_modules as before.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
// Chunk names carry content hashes: clear the folder so no stale chunk survives a rebuild.
rmSync(`${root}dist/bundle`, { recursive: true, force: true });
// The composition root bin/modeval.js used to assemble: the CLI and the built-in dataset builders.
writeFileSync(
  `${root}dist/cli-entry.js`,
  "export { main } from './src/cli/main.js';\nexport { builtinDatasets } from './datasets/index.js';\n",
);
await build({
  absWorkingDir: root,
  entryPoints: { modeval: 'dist/cli-entry.js', 'workers/infer': 'dist/workers/infer.js' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/bundle',
  external: ['onnxruntime-node', 'sharp', '@duckdb/*', '@tensorflow/*', 'vega', 'vega-lite', 'piscina'],
  // CommonJS packages bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __modevalRequire } from 'node:module'; const require = __modevalRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
