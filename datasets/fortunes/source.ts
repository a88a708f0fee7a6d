import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../../src/util/errors.js';

/** Where Debian's fortune packages install their files. */
export const FORTUNES_ROOT = '/usr/share/games/fortunes';

export type Lang = 'es' | 'it';
export type Section = 'regular' | 'offensive';

/** The four Debian packages and the folder each installs its fortune files into. */
export const PACKAGES = [
  { name: 'fortunes-es', lang: 'es', section: 'regular', dir: 'es', suffix: '.fortunes' },
  { name: 'fortunes-es-off', lang: 'es', section: 'offensive', dir: 'off/es/off', suffix: '.fortunes' },
  { name: 'fortunes-it', lang: 'it', section: 'regular', dir: 'it', suffix: '' },
  { name: 'fortunes-it-off', lang: 'it', section: 'offensive', dir: 'off/it', suffix: '' },
] as const satisfies readonly { name: string; lang: Lang; section: Section; dir: string; suffix: string }[];
export type PackageInfo = (typeof PACKAGES)[number];

/** One fortune file with its strfile index header. */
export interface FortuneFile {
  package: PackageInfo['name'];
  lang: Lang;
  section: Section;
  /** The curators' theme: the file name without suffix, e.g. `misogino`, `italia-o`. */
  theme: string;
  path: string;
  bytes: Buffer;
  /** From the `.dat` index strfile wrote: entry count and whether texts are ROT13-rotated. */
  index: StrfileHeader;
}

export interface StrfileHeader {
  version: number;
  entries: number;
  /** STR_ROTATED (0x4): the file holds ROT13 text, as fortune's convention for offensive files. */
  rotated: boolean;
  delimiter: string;
}

const STR_ROTATED = 0x4;

/** Read the 24-byte big-endian header strfile(1) writes in front of every `.dat` index. */
export function parseStrfileHeader(dat: Buffer, file: string): StrfileHeader {
  if (dat.length < 21) throw new BadInputError('strfile index is shorter than its header', { file });
  return {
    version: dat.readUInt32BE(0),
    entries: dat.readUInt32BE(4),
    rotated: (dat.readUInt32BE(16) & STR_ROTATED) !== 0,
    delimiter: String.fromCharCode(dat[20]!),
  };
}

/** Installed version of a Debian package, from dpkg's status database (undefined if not installed). */
export async function debianVersion(
  pkg: string,
  statusFile = '/var/lib/dpkg/status',
): Promise<string | undefined> {
  let status: string;
  try {
    status = await readFile(statusFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const stanza of status.split(/\n\n+/)) {
    if (!new RegExp(`^Package: ${pkg.replace(/[-.]/g, '\\$&')}$`, 'm').test(stanza)) continue;
    if (!/^Status: .* installed$/m.test(stanza)) return undefined;
    return /^Version: (.+)$/m.exec(stanza)?.[1];
  }
  return undefined;
}

export interface FortunesSource {
  root: string;
  versions: Record<string, string>;
  files: FortuneFile[];
  /** sha256 over every file's relative path and bytes, in order: what the skip check compares. */
  contentSha256: string;
}

const THEME_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Find the four packages' fortune files. A missing package is bad input whose message says how to
 * install it; file names are checked against a strict pattern before anything is opened.
 */
export async function openFortunes(root = FORTUNES_ROOT): Promise<FortunesSource> {
  const versions: Record<string, string> = {};
  const missing: string[] = [];
  for (const p of PACKAGES) {
    const v = root === FORTUNES_ROOT ? await debianVersion(p.name) : 'local';
    if (v === undefined || !existsSync(join(root, p.dir))) missing.push(p.name);
    else versions[p.name] = v;
  }
  if (missing.length > 0) {
    throw new BadInputError(
      `Debian package(s) ${missing.join(', ')} not installed; install with: sudo apt-get install -y ${missing.join(' ')}`,
      { file: root },
    );
  }
  const files: FortuneFile[] = [];
  const content = createHash('sha256');
  for (const p of PACKAGES) {
    const dir = join(root, p.dir);
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter(
        (e) => e.isFile() && e.name.endsWith(p.suffix) && !e.name.endsWith('.dat') && !e.name.endsWith('.u8'),
      )
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const theme = p.suffix === '' ? name : name.slice(0, -p.suffix.length);
      if (!THEME_NAME.test(theme)) continue;
      const path = join(dir, name);
      const datPath = `${path}.dat`;
      if (!existsSync(datPath)) continue; // not a fortune file (strfile writes a .dat for each)
      const bytes = await readFile(path);
      const index = parseStrfileHeader(await readFile(datPath), datPath);
      content.update(`${p.dir}/${name}\0`).update(bytes);
      files.push({ package: p.name, lang: p.lang, section: p.section, theme, path, bytes, index });
    }
  }
  return { root, versions, files, contentSha256: content.digest('hex') };
}
