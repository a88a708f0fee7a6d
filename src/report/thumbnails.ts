import { DataType } from 'apache-arrow';
import { openArrow } from '../dataset/arrow-reader.js';
import { binaryColumn, idColumn } from '../dataset/columns.js';

/**
 * Small inline thumbnails of the dataset's images for the report: JPEG data URIs (the page's CSP
 * allows `img-src data:` and nothing else, so nothing is fetched), at most THUMBNAIL_SIDE pixels
 * on a side and THUMBNAIL_MAX_BYTES each. Items that may show unsafe content are blurred when
 * they are made, so the page never holds the sharp picture.
 */

export const THUMBNAIL_SIDE = 96;
export const THUMBNAIL_MAX_BYTES = 16_384;
/** Decoding limit for a thumbnail's source image (a larger header is skipped, never decoded). */
const MAX_PIXELS = 40_000_000;
/** Gaussian blur sigma at thumbnail size: shapes and colours stay, details do not. */
const BLUR_SIGMA = 6;

export interface Thumbnail {
  /** `data:image/jpeg;base64,…` */
  uri: string;
  blurred: boolean;
}

export interface ThumbnailRequest {
  /** Ids to draw, each with whether its thumbnail must be blurred. */
  ids: ReadonlyMap<string, boolean>;
  /** The dataset's id column (its spec's `id`). */
  idColumn: string;
}

/** One thumbnail, or undefined when the image cannot be decoded within the limits. */
export async function makeThumbnail(bytes: Uint8Array, blur: boolean): Promise<Thumbnail | undefined> {
  const { default: sharp } = await import('sharp');
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height || meta.width * meta.height > MAX_PIXELS) return undefined;
    if (meta.format === 'svg' || meta.format === 'pdf') return undefined;
    let img = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', autoOrient: true })
      .timeout({ seconds: 10 })
      .flatten({ background: '#ffffff' })
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' });
    if (blur) img = img.blur(BLUR_SIGMA);
    const jpeg = await img.jpeg({ quality: 70 }).toBuffer();
    if (jpeg.length > THUMBNAIL_MAX_BYTES) return undefined;
    return { uri: `data:image/jpeg;base64,${jpeg.toString('base64')}`, blurred: blur };
  } catch {
    return undefined;
  }
}

/**
 * Thumbnails of the requested ids from the dataset's first Binary column (encoded images);
 * an empty map when the dataset has no such column.
 */
export async function datasetThumbnails(
  file: string,
  request: ThumbnailRequest,
): Promise<Map<string, Thumbnail>> {
  const out = new Map<string, Thumbnail>();
  if (request.ids.size === 0) return out;
  const source = await openArrow(file);
  const imageField = source.schema.fields.find(
    (f) => DataType.isBinary(f.type) || DataType.isLargeBinary(f.type),
  );
  if (imageField === undefined || source.schema.fields.every((f) => f.name !== request.idColumn)) return out;
  for await (const batch of source.batches()) {
    const ids = idColumn(batch.getChild(request.idColumn)!.data[0]!);
    const images = binaryColumn(batch.getChild(imageField.name)!.data[0]!);
    for (let i = 0; i < batch.numRows; i++) {
      let id: string | null;
      try {
        id = ids.get(i);
      } catch {
        continue;
      }
      if (id === null || out.has(id)) continue;
      const blur = request.ids.get(id);
      const bytes = images.bytes(i);
      if (blur === undefined || bytes === null) continue;
      const thumb = await makeThumbnail(bytes, blur);
      if (thumb) out.set(id, thumb);
    }
  }
  return out;
}
