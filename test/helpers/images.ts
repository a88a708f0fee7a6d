import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, tableFromIPC } from 'apache-arrow';
import { buildImagesDataset } from '../../datasets/images/build.js';
import { packageRoot } from '../../src/util/paths.js';

export const NSFWJS_MODELS = {
  MobileNetV2: join(packageRoot(), 'models', 'nsfwjs-mobilenet-v2'),
  MobileNetV2Mid: join(packageRoot(), 'models', 'nsfwjs-mobilenet-v2-mid'),
  InceptionV3: join(packageRoot(), 'models', 'nsfwjs-inception-v3'),
} as const;

/** The real image golden set (built from the Debian packages on first use; later calls see it is current). */
export async function imagesGoldenPath(): Promise<string> {
  return (await buildImagesDataset()).golden;
}

export async function imagesGoldenTable(): Promise<Table> {
  return tableFromIPC(readFileSync(await imagesGoldenPath()));
}

/** Every `step`-th image of the golden set (ids and encoded bytes), for tests that need a few real images. */
export async function someGoldenImages(step: number): Promise<{ ids: string[]; images: Uint8Array[] }> {
  const table = await imagesGoldenTable();
  const ids: string[] = [];
  const images: Uint8Array[] = [];
  const idCol = table.getChild('id')!;
  const imageCol = table.getChild('image')!;
  for (let i = 0; i < table.numRows; i += step) {
    ids.push(idCol.get(i) as string);
    images.push(imageCol.get(i) as Uint8Array);
  }
  return { ids, images };
}
