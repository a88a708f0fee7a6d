#!/usr/bin/env node
// The npm registry mirror these machines reach lacks some other-platform builds of packages with
// per-platform optional dependencies (@biomejs/cli-darwin-*, @rollup/rollup-win32-*, ...), so
// `npm install` writes a lock without their entries, and `npm ci` then refuses the lock as out of
// sync ("Missing: @rollup/rollup-darwin-arm64@ from lock file"). This adds an entry for each
// missing optional dependency, with os/cpu/libc so that npm skips it on other platforms.
// Run after any `npm install` that changes package-lock.json:  node .ci/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const OSES = [
  'darwin',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'openharmony',
  'sunos',
  'aix',
  'linux',
];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'riscv64', 'ppc64', 's390x', 'loong64', 'mips64el'];

function resolves(fromPath, name) {
  let base = fromPath;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const at = base.lastIndexOf('/node_modules/');
    base = at >= 0 ? base.slice(0, at) : '';
  }
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolves(path, name)) continue;
    const version = /^[~^]?(\d+\.\d+\.\d+\S*)$/.exec(range)?.[1];
    if (!version) continue;
    const leaf = name.split('/').pop();
    const os = OSES.find((o) => leaf.includes(o));
    const cpu = CPUS.find((c) => new RegExp(`(^|-)${c}($|-|eabi)`).test(leaf));
    if (!os) continue; // not a platform build: leave real resolution to npm
    const added_entry = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os: [os] };
    if (cpu) added_entry.cpu = [cpu];
    if (os === 'linux') added_entry.libc = [leaf.includes('musl') ? 'musl' : 'glibc'];
    packages[`node_modules/${name}`] = added_entry;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
