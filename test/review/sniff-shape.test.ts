import { describe, expect, it } from 'vitest';
import { sniffVerdictFormat } from '../../src/review/formats/registry.js';
import { firstRecordShape } from '../../src/review/formats/shared/sniff-shape.js';

/**
 * Sniffing reads the structure of a file's first record, not a window of its text: a Label Studio
 * JSON-MIN row (label-studio-sdk `converter/converter.py` convert_to_json_min: the task data keys,
 * then `id`, the control's name, `annotator`, `annotation_id`, `created_at`, `updated_at`,
 * `lead_time`) whose text is longer than any fixed window is still told apart.
 */
const minRow = (text: string) => ({
  text,
  item_id: 'item-00',
  external_id: 'mv-item-00',
  queue: 'q1',
  id: 1,
  label: 'ham',
  annotator: 7,
  annotation_id: 10,
  created_at: '2026-11-22T05:00:00.000000Z',
  updated_at: '2026-11-22T05:01:00.000000Z',
  lead_time: 3.2,
});

describe('format sniffing by structure', () => {
  it.each([19_999, 20_000, 250_000])('a JSON-MIN export whose first text is %i characters', (n) => {
    const json = JSON.stringify([minRow('x'.repeat(n)), minRow('short')], null, 2);
    expect(sniffVerdictFormat('export.json', json)).toBe('labelstudio');
  });

  it('a Label Studio JSON export whose first task text is long, and an Argilla record list', () => {
    const task = { id: 1, data: { text: 'y'.repeat(30_000), item_id: 'item-00' }, annotations: [] };
    expect(sniffVerdictFormat('export.json', JSON.stringify([task]))).toBe('labelstudio');
    const record = { id: 'mv-1', fields: { text: 'z'.repeat(30_000) }, metadata: {}, responses: {} };
    expect(sniffVerdictFormat('records.json', JSON.stringify([record]))).toBe('argilla');
    expect(sniffVerdictFormat('records.json', JSON.stringify({ records: [record] }))).toBe('argilla');
  });

  it('keys of the first record: strings with escapes and nested values do not leak keys', () => {
    const text =
      '\uFEFF [ {"a\\"b": "x\\\\\\"\\"label\\":", "n": {"label": 1, "c": [ {"d": 2} ]}, "e\\u0041": null}, {"z": 1} ]';
    expect(firstRecordShape(text)).toEqual({ root: 'array', keys: new Set(['a"b', 'n', 'eA']) });
    expect(firstRecordShape('{"records": []}\n')).toEqual({ root: 'object', keys: new Set(['records']) });
    expect(firstRecordShape('[1, {"a": 1}]')).toEqual({ root: 'array', keys: new Set() });
    expect(firstRecordShape('id,verdict\n')).toEqual({ root: null, keys: new Set() });
    // A truncated file gives the keys seen so far.
    expect(firstRecordShape('[{"item_id": "x", "lab')).toEqual({ root: 'array', keys: new Set(['item_id']) });
  });
});
