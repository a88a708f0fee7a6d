/**
 * How datasets/images/labels.csv was first drawn (kept for the record; the committed label file,
 * with its by-hand corrections, is what the builder reads). Run with `npx tsx`:
 *   npx tsx datasets/images/select.ts > datasets/images/labels.csv
 *
 * - openclipart-png: up to 8 images per category folder, the ones whose sha256(path) sorts first
 *   (a fixed pseudo-random draw), label Drawing by the source rule "clip art".
 * - wallpapers: every file of gnome-backgrounds and mate-backgrounds except near-copies (the `-d`
 *   dark twin of a gnome `-l` wallpaper, the larger renders of mate's Elephants) and the 1-colour
 *   VNC placeholders; mate's `nature/` folder holds photographs (Neutral by rule); every other
 *   wallpaper is illustrated or rendered, labelled by hand after looking at it.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCES } from './sources.js';

const PER_CATEGORY = 8;

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)).map((p) => `${e.name}/${p}`) : [e.name],
  );
}

const rows: string[] = ['id,label,rule,note'];
const clip = SOURCES['openclipart-png'];
for (const category of readdirSync(clip).sort()) {
  const files = walk(join(clip, category))
    .filter((f) => f.endsWith('.png'))
    .map((f) => `${category}/${f}`)
    .sort((a, b) => sha(a).localeCompare(sha(b)))
    .slice(0, PER_CATEGORY)
    .sort();
  for (const f of files) rows.push(`openclipart-png/${f},Drawing,clip art,`);
}
for (const pkg of ['gnome-backgrounds', 'mate-backgrounds'] as const) {
  for (const f of walk(SOURCES[pkg]).sort()) {
    if (!/\.(png|jpe?g|webp|svg)$/.test(f)) continue;
    if (pkg === 'gnome-backgrounds' && /-d\.(webp|svg)$/.test(f)) continue;
    if (/^vnc-/.test(f) || /Elephants_\d+x\d+/.test(f)) continue;
    const photo = pkg === 'mate-backgrounds' && f.startsWith('nature/');
    rows.push(`${pkg}/${f},${photo ? 'Neutral,photograph,' : 'Drawing,by hand,'}`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
