import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableFromIPC, Utf8 } from 'apache-arrow';
import { ensureSpamAssassin } from '../../datasets/spamassassin/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { writeArrow } from './arrow.js';

export const MODEL_V1 = join(packageRoot(), 'models', 'spam-v1');
export const MODEL_V2 = join(packageRoot(), 'models', 'spam-v2');

/** The real SpamAssassin golden set (built on first use; later calls see the build is current). */
export async function goldenPath(): Promise<string> {
  return (await ensureSpamAssassin()).golden;
}

/** The whole real golden set in memory (1,183 rows: small enough for tests to index freely). */
export async function goldenTable(): Promise<Table> {
  return tableFromIPC(readFileSync(await goldenPath()));
}

/**
 * The real golden texts repeated `copies` times with distinct ids (`<id>#<copy>`), written as an
 * Arrow stream: a larger real-text dataset for tests that need a run long enough to interrupt.
 */
export async function repeatedGolden(dir: string, copies: number): Promise<string> {
  const golden = await goldenTable();
  const ids: string[] = [];
  const texts: string[] = [];
  const labels: string[] = [];
  const idCol = golden.getChild('id')!;
  const textCol = golden.getChild('text')!;
  const labelCol = golden.getChild('label')!;
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < golden.numRows; i++) {
      ids.push(`${idCol.get(i)}#${c}`);
      texts.push(textCol.get(i) as string);
      labels.push(labelCol.get(i) as string);
    }
  }
  const path = join(dir, `golden-x${copies}.arrows`);
  const utf8 = new Utf8();
  writeArrow(
    path,
    {
      id: { values: ids, type: utf8 },
      text: { values: texts, type: utf8 },
      label: { values: labels, type: utf8 },
    },
    'stream',
  );
  return path;
}
